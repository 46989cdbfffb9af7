// SPDX-License-Identifier: Apache-2.0
import DisplayText

/// The provider's API called with the access token: the device API after pairing where a
/// dialect has one (Frame.io's `GET /v2/devices/me`, `POST /v2/devices/heartbeat`), and the
/// bearer headers of any such call (Frame.io's revocation by DELETE too).
enum DeviceAPI {
    struct Me: Decodable {
        struct Project: Decodable { let name: String? }
        let name: String?
        let project: Project?
    }

    static func me(_ transport: any HTTPTransport, profile: ProviderProfile, url: String, grant: Grant) async throws(OAuthFailure) -> DeviceInfo {
        let answer = try await transport.perform(HTTPCall(method: "GET", url: url, headers: bearer(profile, grant)))
        let me = try OAuthAnswer.decode(Me.self, from: answer)
        return DeviceInfo(deviceName: me.name.map(printable), projectName: me.project?.name.map(printable))
    }

    static func heartbeat(_ transport: any HTTPTransport, profile: ProviderProfile, url: String, grant: Grant) async throws(OAuthFailure) {
        let answer = try await transport.perform(HTTPCall(method: "POST", url: url, headers: bearer(profile, grant)))
        try OAuthAnswer.check(answer, body: .json)
    }

    static func bearer(_ profile: ProviderProfile, _ grant: Grant) -> [(String, String)] {
        profile.commonHeaders + [("authorization", "Bearer \(grant.accessToken)")]
    }

    /// Names go into STATUS= lines, the journal and deviceauthctl's output: one line of
    /// text (no controls, no bidi overrides), bounded.
    static func printable(_ name: String) -> String {
        DisplayText.line(name, maxBytes: 240)
    }
}

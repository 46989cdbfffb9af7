// SPDX-License-Identifier: Apache-2.0
import Primitives

/// RFC 8628 §3.4: one poll of the token endpoint with the device code.
enum TokenPolling {
    static let grantType = "urn:ietf:params:oauth:grant-type:device_code"

    static func poll(
        _ transport: any HTTPTransport, profile: ProviderProfile, url: String, credentials: ClientCredentials,
        session: DeviceCodeSession, scope: String?, now: Moment
    ) async throws(OAuthFailure) -> Grant {
        let answer = try await transport.perform(FormRequest.call(profile, url: url, credentials: credentials,
                                                                  fields: [("device_code", session.deviceCode), ("grant_type", grantType)]))
        do {
            return try OAuthAnswer.decode(TokenResponse.self, from: answer).grant(requestedAt: now, requestedScope: scope ?? "")
        } catch {
            throw profile.classifier.poll(error)
        }
    }
}

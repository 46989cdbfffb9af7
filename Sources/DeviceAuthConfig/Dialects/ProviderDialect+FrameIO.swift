// SPDX-License-Identifier: Apache-2.0
import OAuthProvider

/// Frame.io Camera to Cloud, hardware devices (docs/providers.md §1): a device
/// code with a six-digit code and a QR code, client_secret_post, a client id
/// unique per device, the device API (project name, heartbeat).
extension ProviderDialect {
    public static let frameioC2C = ProviderDialect(
        name: "frameio-c2c", title: "Frame.io Camera to Cloud", login: .deviceCode,
        endpoints: .baseURL(default: "https://api.frame.io"), otherKeys: [],
        defaultClientAuthentication: .clientSecretPost, defaultScope: "asset_create offline", offlineScopes: ["offline"],
        clientIDNeeded: nil, apiAtBaseURL: true
    ) { settings in
        let base = settings.baseURL
        var profile = ProviderProfile(endpoints: FixedEndpoints(ProviderEndpoints(
            deviceAuthorization: base + "/v2/auth/device/code", token: base + "/v2/auth/token", revocation: base + "/v2/auth/revoke")))
        profile.commonHeaders = [("x-client-version", "2.0.0")] + profile.commonHeaders
        profile.qrPairingHeader = ("x-client-platypus-enabled", "true")
        profile.deviceInfoURL = base + "/v2/devices/me"
        profile.heartbeatURL = base + "/v2/devices/heartbeat"
        // A reused refresh token is answered invalid_request, not invalid_grant.
        profile.classifier = AnswerClassifier(refreshTokenReusedError: "invalid_request")
        // Its revocation endpoint takes no token_type_hint.
        profile.revocation = .rfc7009(hint: false)
        profile.clientAuthentication = settings.clientAuthentication
        return profile
    }
}

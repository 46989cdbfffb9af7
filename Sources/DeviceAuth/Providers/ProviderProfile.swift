/// What differs between providers, as data: paths, headers, extra APIs.
public struct ProviderProfile: Sendable {
    public var baseURL: String
    public var deviceCodePath: String
    public var tokenPath: String
    public var revokePath: String
    /// Sent with every call (Frame.io: `x-client-version`).
    public var commonHeaders: [(String, String)]
    /// The header that asks for verification URLs (Frame.io's "platypus"), if the provider needs one.
    public var qrPairingHeader: (String, String)?
    /// `GET` with the Bearer token: which project the device is in.
    public var deviceInfoPath: String?
    /// `POST` with the Bearer token: keeps the device online.
    public var heartbeatPath: String?
    /// What the dialect's error answers mean, per grant.
    public var classifier = AnswerClassifier()
    /// How the client authenticates on every form request.
    public var clientAuthentication: ClientAuthentication = .clientSecretPost

    func url(_ path: String) -> String { baseURL + path }

    /// Frame.io Camera to Cloud, hardware devices (docs/providers.md §1).
    public static func frameioC2C(baseURL: String) -> ProviderProfile {
        ProviderProfile(
            baseURL: baseURL,
            deviceCodePath: "/v2/auth/device/code",
            tokenPath: "/v2/auth/token",
            revokePath: "/v2/auth/revoke",
            commonHeaders: [("x-client-version", "2.0.0"), ("accept", "application/json"), ("user-agent", "deviceauthd/0.1")],
            qrPairingHeader: ("x-client-platypus-enabled", "true"),
            deviceInfoPath: "/v2/devices/me",
            heartbeatPath: "/v2/devices/heartbeat",
            classifier: AnswerClassifier(refreshTokenReusedError: "invalid_request"))
    }
}

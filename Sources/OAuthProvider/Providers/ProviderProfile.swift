// SPDX-License-Identifier: Apache-2.0
/// What differs between providers, as the engine needs it: data and small
/// strategies (where the endpoints come from, how the client authenticates, how
/// answers are classified, how to revoke). Each dialect (DeviceAuthConfig's
/// `ProviderDialect`) builds one; the engine is the same for all.
public struct ProviderProfile: Sendable {
    public var endpoints: any EndpointSource
    /// Sent with every call (Frame.io: `x-client-version`).
    public var commonHeaders: [(String, String)] = [("accept", "application/json"), ("user-agent", "deviceauthd/" + DeviceAuthVersion.current)]
    /// The header that asks for verification URLs (Frame.io's "platypus"), if the provider needs one.
    public var qrPairingHeader: (String, String)?
    /// `GET` with the Bearer token: which project the device is in.
    public var deviceInfoURL: String?
    /// `POST` with the Bearer token: keeps the device online.
    public var heartbeatURL: String?
    /// What the dialect's error answers mean, per grant.
    public var classifier = AnswerClassifier()
    /// How the client authenticates on every form request.
    public var clientAuthentication: ClientAuthentication = .clientSecretPost
    /// `client_id` in the form of every request to the authorization server, whatever
    /// the client authentication (see `ClientAuthentication.place`).
    public var clientIDInForm = true
    /// How an authorization is ended at the provider.
    public var revocation = RevocationMethod.rfc7009(hint: true)
    /// `scope` in the refresh form (the web-app client sends it; RFC 6749 §6 makes it optional).
    public var refreshSendsScope = false

    public init(endpoints: any EndpointSource) { self.endpoints = endpoints }
}

/// How a provider is told to forget an authorization.
public enum RevocationMethod: Sendable, Equatable {
    /// RFC 7009 at the revocation endpoint (when there is one), with `token_type_hint` or
    /// without (Frame.io's endpoint takes none).
    case rfc7009(hint: Bool)
    /// `DELETE url` with the Bearer access token (CameraManager's logout).
    case bearerDelete(url: String)
}

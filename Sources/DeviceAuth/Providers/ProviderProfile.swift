// SPDX-License-Identifier: Apache-2.0
/// A dialect: what differs between providers, as data and small strategies
/// (where the endpoints come from, how the client authenticates, how answers
/// are classified, how first tokens come, how to revoke). Adding a dialect is
/// one constructor here plus a config value; the engine is the same for all.
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

    /// Frame.io Camera to Cloud, hardware devices (docs/providers.md §1).
    public static func frameioC2C(baseURL: String) -> ProviderProfile {
        var profile = ProviderProfile(endpoints: FixedEndpoints(ProviderEndpoints(
            deviceAuthorization: baseURL + "/v2/auth/device/code", token: baseURL + "/v2/auth/token",
            revocation: baseURL + "/v2/auth/revoke")))
        profile.commonHeaders = [("x-client-version", "2.0.0"), ("accept", "application/json"), ("user-agent", "deviceauthd/" + DeviceAuthVersion.current)]
        profile.qrPairingHeader = ("x-client-platypus-enabled", "true")
        profile.deviceInfoURL = baseURL + "/v2/devices/me"
        profile.heartbeatURL = baseURL + "/v2/devices/heartbeat"
        profile.classifier = AnswerClassifier(refreshTokenReusedError: "invalid_request")
        profile.revocation = .rfc7009(hint: false)
        return profile
    }

    /// Any RFC 8628 authorization server (Keycloak, Auth0, Okta, Entra ID…): standard
    /// names and errors, endpoints given or discovered (docs/providers.md §4).
    public static func oauth2Device(endpoints: any EndpointSource, clientAuthentication: ClientAuthentication) -> ProviderProfile {
        var profile = ProviderProfile(endpoints: endpoints)
        profile.clientAuthentication = clientAuthentication
        return profile
    }

    /// CameraManager (docs/providers.md §3): a password login once, with the camera
    /// model's API key in Basic; a refresh token that does not rotate; a logout that
    /// deletes both tokens.
    public static func cameraManager(baseURL: String) -> ProviderProfile {
        var profile = ProviderProfile(endpoints: FixedEndpoints(ProviderEndpoints(token: baseURL + "/oauth/token")))
        profile.clientAuthentication = .clientSecretBasic
        // Its Basic credentials are the camera model's API key, not an OAuth client, and its
        // guide lists every form field (docs/providers.md §3): no client_id.
        profile.clientIDInForm = false
        profile.refreshSendsScope = true
        profile.revocation = .bearerDelete(url: baseURL + "/rest/v2.0/users/self/tokens/current")
        return profile
    }

    /// The OAuth 2.0 web-app client (docs/providers.md §2): first tokens from an
    /// authorization-code grant with PKCE (or an imported refresh token) through
    /// `deviceauthctl login` (`DaemonConfiguration.loginMethod`), then the
    /// refresh grant with `scope`, Basic or PKCE (`none`).
    public static func oauth2(endpoints: any EndpointSource, clientAuthentication: ClientAuthentication) -> ProviderProfile {
        var profile = ProviderProfile(endpoints: endpoints)
        profile.clientAuthentication = clientAuthentication
        profile.refreshSendsScope = true
        return profile
    }
}

/// How a provider is told to forget an authorization.
public enum RevocationMethod: Sendable, Equatable {
    /// RFC 7009 at the revocation endpoint (when there is one), with `token_type_hint` or
    /// without (Frame.io's endpoint takes none).
    case rfc7009(hint: Bool)
    /// `DELETE url` with the Bearer access token (CameraManager's logout).
    case bearerDelete(url: String)
}

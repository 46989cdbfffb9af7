// SPDX-License-Identifier: Apache-2.0
import DeviceAuth
import OAuthProvider
/// Everything `deviceauthd.conf` can say, with the defaults a camera ships with.
/// See `config/deviceauthd.conf` for the commented file.
public struct DaemonConfiguration: Equatable, Sendable {
    public static let defaultPath = "/etc/deviceauth/deviceauthd.conf"

    /// How the first tokens come.
    public enum LoginMethod: Sendable {
        /// A device code a person approves elsewhere (`deviceauthctl pair`, or at start).
        case deviceCode
        /// An authorization code from a browser (`deviceauthctl login`, PKCE).
        case browser
        /// The user's email and password, once (`deviceauthctl login --username`).
        case password
    }

    // [Provider]
    /// `Type=`: what everything else in [Provider] means (Dialects/).
    public var dialect: ProviderDialect = ProviderDialect.all[0]
    /// nil: the dialect's default.
    public var baseURL: String?
    /// The authorization server whose RFC 8414 metadata names the endpoints (standard types).
    public var issuer: String?
    public var deviceAuthorizationEndpoint: String?
    public var tokenEndpoint: String?
    public var revocationEndpoint: String?
    public var authorizationEndpoint: String?
    /// nil: the dialect's default.
    public var clientAuthentication: ClientAuthentication?
    /// Where `deviceauthctl login`'s browser is sent back; nil: a loopback port the CLI picks.
    public var redirectURI: String?
    /// Unique per device; nil means "derive one from /etc/machine-id".
    public var clientID: String?
    /// nil means "$CREDENTIALS_DIRECTORY/client_secret" (systemd LoadCredential=).
    public var clientSecretFile: String?
    /// A PEM bundle of CAs trusted for this provider instead of the system's store; nil: the system's.
    public var caFile: String?
    /// nil: the dialect's default.
    public var scope: String?
    /// Ask for verification URLs (Frame.io's x-client-platypus-enabled) to draw a QR code.
    public var qrPairing = true

    // [Pairing]
    public var autoPair = true

    // [Refresh]
    /// Refresh once this fraction of the access token's lifetime has passed.
    public var refreshFraction = 0.75
    /// Spread refreshes by up to this fraction of the lifetime, so a fleet does not refresh in step.
    public var refreshJitter = 0.05
    /// Seconds between heartbeats while authorized (Frame.io: every 120 s, never more than once a minute).
    public var heartbeatSeconds = 120.0
    /// The longest wait between retries after network or server errors.
    public var maxRetrySeconds = 300.0

    // [Storage]
    /// nil means $STATE_DIRECTORY, else /var/lib/deviceauth.
    public var stateDirectory: String?

    // [Network]
    /// `http://host:port`: every request goes through it (CONNECT); nil: direct.
    public var proxy: String?
    /// Hosts reached directly even with a proxy.
    public var noProxy: [String] = []
    /// "user:password" for the proxy, mode 0600; nil: $CREDENTIALS_DIRECTORY/proxy_credentials, if any.
    public var proxyCredentialsFile: String?

    // [Control] (read by the control socket)
    public var controlSocket: String?
    public var tokenReaders: [String] = []
    /// Who may see the pairing code and the QR files besides administrators (the camera's UI).
    public var pairingViewers: [String] = []
    /// Control connections open at once, from everyone (per-user caps come on top).
    public var maxControlConnections = 256
    /// A control connection that sends no request for this long is closed (not a `watch`).
    public var controlIdleSeconds = 60.0
    /// Write Prometheus metrics to `<RuntimeDirectory>/metrics.prom` (node_exporter's textfile collector).
    public var metrics = false

    // [Forwarder]
    /// The local API forwarder's socket; nil: no forwarder.
    public var forwarderSocket: String?
    /// The API's origin; nil: the dialect's (`ProviderDialect.apiOrigin`).
    public var forwarderUpstream: String?
    /// A forwarder connection that sends nothing for this long is closed (a half-sent
    /// request or a silent connection holds a thread no longer).
    public var forwarderIdleSeconds = 30
    /// A forwarded request, upload and answer included, may take this long at most (a client
    /// that sends a byte now and then is not idle, and is cut off here).
    public var forwarderTimeoutSeconds = 3600
    /// Forwarder connections open at once, from everyone (one uid holds at most 16 of them);
    /// each holds two descriptors, the caller's and the provider's.
    public var forwarderMaxConnections = 64

    /// Where each key was last set (`Section.Key`), for errors that span several keys.
    public var locations: [String: ConfigLocation] = [:]

    public init() {}

    /// The scope to ask for: the configured one, else the dialect's default.
    public var effectiveScope: String? { scope ?? dialect.defaultScope }

    /// `BaseURL=`, else the dialect's default (for the dialects whose endpoints follow from it).
    public var effectiveBaseURL: String { baseURL ?? dialect.defaultBaseURL ?? "" }

    public var loginMethod: LoginMethod { dialect.login }

    /// Where the forwarder sends requests: `Upstream=`, else the dialect's API origin.
    public var effectiveForwarderUpstream: String? {
        if let forwarderUpstream { return forwarderUpstream }
        guard dialect.apiAtBaseURL, let origin = URLOrigin(effectiveBaseURL) else { return nil }
        return origin.origin
    }

    /// The command that gets the first tokens, when it is not a device code.
    public var loginCommand: String? {
        switch loginMethod {
        case .deviceCode: nil
        case .browser: "deviceauthctl login"
        case .password: "deviceauthctl login --username EMAIL"
        }
    }

    /// What the engine follows; a reload hands it a new one (the `.applied` keys of `ConfigKey.all`).
    public var pairingPolicy: PairingPolicy {
        var policy = PairingPolicy()
        policy.autoPair = autoPair
        policy.loginCommand = loginCommand
        policy.refreshFraction = refreshFraction
        policy.refreshJitter = refreshJitter
        policy.heartbeatSeconds = heartbeatSeconds
        policy.maxRetrySeconds = maxRetrySeconds
        return policy
    }

    public var effectiveClientAuthentication: ClientAuthentication {
        clientAuthentication ?? dialect.defaultClientAuthentication
    }
}

/// A file and line of the configuration.
public struct ConfigLocation: Equatable, Sendable {
    public let file: String
    public let line: Int
}

/// Everything `deviceauthd.conf` can say, with the defaults a camera ships with.
/// See `config/deviceauthd.conf` for the commented file.
public struct DaemonConfiguration: Equatable, Sendable {
    public static let defaultPath = "/etc/deviceauth/deviceauthd.conf"

    public enum ProviderType: String, Sendable, CaseIterable {
        case frameioC2C = "frameio-c2c"
    }

    // [Provider]
    public var providerType: ProviderType = .frameioC2C
    public var baseURL = "https://api.frame.io"
    /// Unique per device; nil means "derive one from /etc/machine-id".
    public var clientID: String?
    /// nil means "$CREDENTIALS_DIRECTORY/client_secret" (systemd LoadCredential=).
    public var clientSecretFile: String?
    public var scope = "asset_create offline"
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

    // [Control] (read by the control socket)
    public var controlSocket: String?
    public var tokenReaders: [String] = []
    /// Control connections open at once, from everyone (per-user caps come on top).
    public var maxControlConnections = 256
    /// A control connection that sends no request for this long is closed (not a `watch`).
    public var controlIdleSeconds = 60.0

    public init() {}
}

import CCurl
import DeviceAuth

/// `HTTPTransport` on the system's libcurl (TLS by the system's OpenSSL,
/// verified against the system's trust store or `CAFile=`'s bundle): what camera
/// firmware already carries and patches, instead of a second TLS stack linked
/// into the daemon. TLS 1.2 at least, whatever the library's default.
///
/// Every call has a deadline (connect, stalled read, and whole exchange), is
/// cancellable at once (a stop never waits on the network), follows no
/// redirect (a redirected token request could carry a secret elsewhere), uses
/// no proxy from the environment (only `Proxy=`: a daemon's environment is not the
/// administrator's shell, and a variable would send tokens where nobody configured),
/// and reads at most `maxBodyBytes`: an OAuth
/// answer is a few hundred bytes, so a megabyte is a broken or hostile server.
public struct CurlTransport: HTTPTransport {
    public struct Limits: Sendable {
        /// The whole exchange, connection included.
        public var timeoutMilliseconds = 30_000
        public var connectTimeoutMilliseconds = 10_000
        /// A server that sends nothing for this long is given up on.
        public var stallSeconds = 20
        public var maxBodyBytes = 256 * 1024
        /// Status line and headers together.
        public var maxHeaderBytes = 32 * 1024

        public init() {}
    }

    /// How the provider is reached: whom to trust, through which proxy.
    public struct Network: Sendable, Equatable {
        /// A PEM bundle of CAs trusted instead of the system's store (`CAFile=`); nil: the system's.
        public var caFile: String?
        /// `http://host:port` (`Proxy=`): every request tunnels through it with CONNECT; nil: direct.
        public var proxy: String?
        /// Hosts reached directly even with a proxy (`NoProxy=`, curl's list: names, domains, addresses).
        public var noProxy: [String] = []
        /// The proxy's user and password (Basic), from a file or a credential: never in the config or a log.
        public var proxyCredentials: ProxyCredentials?

        public init(caFile: String? = nil, proxy: String? = nil, noProxy: [String] = [], proxyCredentials: ProxyCredentials? = nil) {
            self.caFile = caFile
            self.proxy = proxy
            self.noProxy = noProxy
            self.proxyCredentials = proxyCredentials
        }
    }

    let limits: Limits
    let network: Network

    public init(limits: Limits = Limits(), network: Network = Network()) {
        CurlTransport.initializeOnce()
        self.limits = limits
        self.network = network
    }

    /// A transport whose whole exchange ends after `seconds` (discovery asks for less).
    public init(timeoutSeconds: Int, maxBodyBytes: Int = 256 * 1024, network: Network = Network()) {
        var limits = Limits()
        limits.timeoutMilliseconds = timeoutSeconds * 1000
        limits.connectTimeoutMilliseconds = min(limits.connectTimeoutMilliseconds, limits.timeoutMilliseconds)
        limits.maxBodyBytes = maxBodyBytes
        self.init(limits: limits, network: network)
    }

    public func perform(_ call: HTTPCall) async throws(OAuthFailure) -> HTTPAnswer {
        let exchange = CurlExchange(call: call, limits: limits, network: network)
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in exchange.start(continuation) }
        } onCancel: {
            exchange.cancel()
        }
        return try result.get()
    }

    /// libcurl's global set-up is not thread safe before 7.84: done once, before any request.
    private static let initialized: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK
    private static func initializeOnce() { _ = initialized }
}

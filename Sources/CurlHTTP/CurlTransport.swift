// SPDX-License-Identifier: Apache-2.0
import CCurl
import OAuthProvider

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
        try await CurlExchange(CurlHTTPJob(call: call, limits: limits, network: network)).run().get()
    }

    /// libcurl's global set-up is not thread safe before 7.84: done once, before any request.
    private static let initialized: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK
    static func initializeOnce() { _ = initialized }
}

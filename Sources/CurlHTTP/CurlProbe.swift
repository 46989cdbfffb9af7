// SPDX-License-Identifier: Apache-2.0
import CCurl
import OAuthProvider

/// One link of the way to the provider tried on its own, with the daemon's own network
/// settings (`deviceauthctl doctor`): a connection only (`CURLOPT_CONNECT_ONLY`: TCP, the
/// proxy's CONNECT tunnel when one is set, and the TLS handshake for https), no request,
/// no byte of our own over it.
public enum CurlProbe {
    /// What the server presented: one certificate of its chain, as OpenSSL prints it.
    public struct Certificate: Sendable, Equatable {
        public var subject: String
        public var issuer: String
        public var notBefore: String
        public var notAfter: String
    }

    public struct Outcome: Sendable {
        /// nil: the connection (and the handshake, for https) succeeded.
        public var fault: NetworkFault?
        /// The address connected to (the proxy's, through a proxy), e.g. `[::1]:4431`.
        public var address: String?
        /// The chain the server sent, leaf first (https, when asked).
        public var chain: [Certificate] = []
    }

    /// - Parameters:
    ///   - url: `http://host:port/` for a connection (through `network`'s proxy when it
    ///     applies), `https://…` for a TLS handshake as well.
    ///   - verify: false only to read the chain of a certificate that failed verification,
    ///     to show the person who presented it (a TLS-inspecting network's CA). Safe because
    ///     nothing is ever sent over a probe's connection, and the handle is dropped at once.
    public static func run(_ url: String, network: CurlTransport.Network, timeoutMilliseconds: Int,
                           certificates: Bool = false, verify: Bool = true) async -> Outcome {
        CurlTransport.initializeOnce()
        var limits = CurlTransport.Limits()
        limits.timeoutMilliseconds = timeoutMilliseconds
        limits.connectTimeoutMilliseconds = timeoutMilliseconds
        let job = CurlProbeJob(url: url, network: network, limits: limits, certificates: certificates, verify: verify)
        return await CurlExchange(job).run()
    }
}

struct CurlProbeJob: CurlJob {
    let url: String
    let network: CurlTransport.Network
    let limits: CurlTransport.Limits
    let certificates: Bool
    let verify: Bool

    func configure(_ easy: UnsafeMutableRawPointer, errorBuffer: UnsafeMutablePointer<CChar>) -> Bool {
        var ok = network.configure(easy, limits: limits, errorBuffer: errorBuffer)
        func set(_ option: CURLoption, _ value: Int) { ok = ok && deviceauth_curl_set_long(easy, option, value) == CURLE_OK }
        ok = ok && deviceauth_curl_set_string(easy, CURLOPT_URL, url) == CURLE_OK
        set(CURLOPT_CONNECT_ONLY, 1)
        if certificates { set(CURLOPT_CERTINFO, 1) }
        if !verify {
            set(CURLOPT_SSL_VERIFYPEER, 0)
            set(CURLOPT_SSL_VERIFYHOST, 0)
        }
        return ok
    }

    func finish(_ easy: UnsafeMutableRawPointer, code: CURLcode, detail: String) -> CurlProbe.Outcome {
        var outcome = CurlProbe.Outcome()
        var ip: UnsafeMutablePointer<CChar>?
        var port = 0
        if deviceauth_curl_primary_address(easy, &ip, &port) == CURLE_OK, let ip, ip.pointee != 0 {
            let address = String(cString: ip)
            outcome.address = (address.contains(":") ? "[\(address)]" : address) + ":\(port)"
        }
        if code != CURLE_OK { outcome.fault = CurlFault.of(easy, code: code, detail: detail, proxy: network.proxy(forURL: url)) }
        outcome.chain = (0..<deviceauth_curl_certificate_count(easy)).map { Self.certificate(easy, index: $0) }
        return outcome
    }

    func unfinished(_ why: String) -> CurlProbe.Outcome { CurlProbe.Outcome(fault: NetworkFault(.other, why)) }

    func release() {}

    /// The fields libcurl gives ("Subject:CN = localhost", "Expire date:Dec  3 …").
    static func certificate(_ easy: UnsafeMutableRawPointer, index: Int32) -> CurlProbe.Certificate {
        var fields: [String: String] = [:]
        var node = deviceauth_curl_certificate_fields(easy, index)
        while let current = node {
            if let data = current.pointee.data {
                let line = String(cString: data)
                if let colon = line.firstIndex(of: ":") {
                    fields[String(line[..<colon])] = String(line[line.index(after: colon)...].prefix(200))
                }
            }
            node = current.pointee.next
        }
        return CurlProbe.Certificate(subject: fields["Subject"] ?? "?", issuer: fields["Issuer"] ?? "?",
                                     notBefore: fields["Start date"] ?? "?", notAfter: fields["Expire date"] ?? "?")
    }
}

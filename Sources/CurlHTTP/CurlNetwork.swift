// SPDX-License-Identifier: Apache-2.0
import CCurl
import OAuthProvider
import OAuthProvider

extension CurlTransport {
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

        /// The proxy a connection to `host` goes through, by libcurl's reading of `NoProxy=`:
        /// `*` is every host; an entry matches the host itself and, as a domain, every name
        /// under it (a leading dot changes nothing); names compare without case.
        public func proxy(for host: String) -> String? {
            guard let proxy else { return nil }
            let host = host.lowercased().trimmingBrackets
            for entry in noProxy.map({ $0.lowercased().trimmingBrackets }) {
                let domain = entry.hasPrefix(".") ? String(entry.dropFirst()) : entry
                if entry == "*" || host == domain || host.hasSuffix("." + domain) { return nil }
            }
            return proxy
        }

        /// The proxy a request to `url` goes through (nil: direct).
        func proxy(forURL url: String) -> String? {
            guard let origin = URLOrigin(url) else { return proxy }
            return proxy(for: origin.host)
        }

        /// Every option that says how libcurl reaches the provider, for every transfer alike.
        func configure(_ easy: UnsafeMutableRawPointer, limits: Limits, errorBuffer: UnsafeMutablePointer<CChar>) -> Bool {
            var ok = true
            func set(_ option: CURLoption, _ value: Int) { ok = ok && deviceauth_curl_set_long(easy, option, value) == CURLE_OK }
            func set(_ option: CURLoption, _ value: String) { ok = ok && deviceauth_curl_set_string(easy, option, value) == CURLE_OK }

            set(CURLOPT_PROTOCOLS_STR, "http,https")
            set(CURLOPT_FOLLOWLOCATION, 0)
            // Only the configured proxy, never one from the environment (http_proxy, no_proxy…):
            // both options set, so libcurl reads neither variable.
            set(CURLOPT_PROXY, proxy ?? "")
            set(CURLOPT_NOPROXY, noProxy.joined(separator: ","))
            if proxy != nil {
                // CONNECT for every request: the proxy sees host names, never a token or a form.
                set(CURLOPT_PROXYTYPE, Int(CURLPROXY_HTTP.rawValue))
                set(CURLOPT_HTTPPROXYTUNNEL, 1)
                if let proxyCredentials {
                    set(CURLOPT_PROXYUSERNAME, proxyCredentials.user)
                    set(CURLOPT_PROXYPASSWORD, proxyCredentials.password)
                }
            }
            set(CURLOPT_NOSIGNAL, 1)  // threads: no SIGALRM for name look-ups
            set(CURLOPT_SSL_VERIFYPEER, 1)
            set(CURLOPT_SSL_VERIFYHOST, 2)
            // TLS 1.2 at least (RFC 8996 retired 1.0 and 1.1), set rather than left to the library's default.
            set(CURLOPT_SSLVERSION, CURL_SSLVERSION_TLSv1_2)
            if let caFile {
                // The bundle instead of the system's store: a private CA trusts only what it signed.
                set(CURLOPT_CAINFO, caFile)
                ok = ok && deviceauth_curl_set_pointer(easy, CURLOPT_CAPATH, nil) == CURLE_OK
            }
            set(CURLOPT_TIMEOUT_MS, limits.timeoutMilliseconds)
            set(CURLOPT_CONNECTTIMEOUT_MS, limits.connectTimeoutMilliseconds)
            set(CURLOPT_LOW_SPEED_LIMIT, 1)
            set(CURLOPT_LOW_SPEED_TIME, limits.stallSeconds)
            ok = ok && deviceauth_curl_set_pointer(easy, CURLOPT_ERRORBUFFER, errorBuffer) == CURLE_OK
            return ok
        }
    }
}

extension String {
    /// `[::1]` as `::1`: an IPv6 literal as a URL writes it, and as a resolver takes it.
    var trimmingBrackets: String {
        hasPrefix("[") && hasSuffix("]") ? String(dropFirst().dropLast()) : self
    }
}

// SPDX-License-Identifier: Apache-2.0
/// Why a request got no answer from the provider, named for the person who must fix
/// it: the support engineer on the phone reads STATUS, the fleet reads the metrics'
/// `reason` label (`kind.rawValue`), the journal finds each kind by its MESSAGE_ID.
/// The transport (CurlHTTP) decides the kind; `detail` is its own words, for the journal.
public struct NetworkFault: Equatable, Sendable, CustomStringConvertible, ExpressibleByStringInterpolation {
    public enum Kind: String, Sendable, CaseIterable {
        /// The provider's host name does not resolve (no DNS, a wrong name).
        case dns
        /// The host resolves, but nothing answers: refused, unreachable, timed out.
        case connection
        /// The certificate is signed by no CA we trust (system store or CAFile=).
        case tlsUntrusted = "tls_untrusted"
        /// The certificate has expired, or is not valid yet, by our clock.
        case tlsDates = "tls_dates"
        /// The certificate is for another name than the provider's host.
        case tlsName = "tls_name"
        /// Any other TLS failure (protocol version, handshake).
        case tls
        /// The configured proxy is down, refuses, or cannot reach the provider.
        case proxy
        /// The network answers in the provider's place (a hotel's login page).
        case captivePortal = "captive_portal"
        /// A certificate looks expired or not yet valid because this clock is not set.
        case clockNotSet = "clock_not_set"
        /// Anything else: the connection broke, the answer stalled.
        case other = "network"

        /// journald MESSAGE_ID of the lines reporting this kind (systemd/deviceauthd.catalog explains each).
        public var messageID: String {
            switch self {
            case .dns: "4f1c3a0e6b2d4c8a9e7f5d3b1a2c4e65"
            case .connection: "4f1c3a0e6b2d4c8a9e7f5d3b1a2c4e66"
            case .tlsUntrusted: "4f1c3a0e6b2d4c8a9e7f5d3b1a2c4e67"
            case .tlsDates: "4f1c3a0e6b2d4c8a9e7f5d3b1a2c4e68"
            case .tlsName: "4f1c3a0e6b2d4c8a9e7f5d3b1a2c4e69"
            case .tls: "4f1c3a0e6b2d4c8a9e7f5d3b1a2c4e6a"
            case .proxy: "4f1c3a0e6b2d4c8a9e7f5d3b1a2c4e6b"
            case .captivePortal: "4f1c3a0e6b2d4c8a9e7f5d3b1a2c4e6c"
            case .clockNotSet: "4f1c3a0e6b2d4c8a9e7f5d3b1a2c4e6d"
            case .other: "4f1c3a0e6b2d4c8a9e7f5d3b1a2c4e6e"
            }
        }
    }

    public var kind: Kind
    /// What the transport said (host, port, the library's words): bounded, printable.
    public var detail: String

    public init(_ kind: Kind, _ detail: String) {
        self.kind = kind
        self.detail = detail
    }

    /// A fault of no particular kind (tests, and callers that only have words).
    public init(stringLiteral value: String) { self.init(.other, value) }
    public init(stringInterpolation: DefaultStringInterpolation) { self.init(.other, String(stringInterpolation: stringInterpolation)) }

    /// What to check first, for a person.
    public var advice: String {
        switch kind {
        case .dns: "cannot resolve the provider's host name: check DNS on this network"
        case .connection: "cannot connect to the provider: check the network connection and firewall"
        case .tlsUntrusted: "the provider's certificate is not signed by a trusted CA: a TLS-inspecting network, or CAFile= is missing the provider's CA"
        case .tlsDates: "the provider's certificate is expired or not yet valid"
        case .tlsName: "the provider's certificate is for another name: a network that intercepts connections, or a wrong host in the config"
        case .tls: "the TLS handshake with the provider failed"
        case .proxy: "the proxy failed"  // its detail says how, in full (CurlFault.describeProxy in CurlHTTP)
        case .captivePortal: "this network answers instead of the provider (a captive portal?): log in to the network, e.g. in a browser"
        case .clockNotSet: "the clock is not set, so no certificate can be checked: waiting for time sync (NTP)"
        case .other: "network error"
        }
    }

    public var description: String {
        let words = ServerError.printable(detail)
        if kind == .proxy, !words.isEmpty { return words }
        return words.isEmpty ? advice : "\(advice): \(words)"
    }
}

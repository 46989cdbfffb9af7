// SPDX-License-Identifier: Apache-2.0
/// Where an absolute http(s) URL connects: its scheme, host and port. The one reading
/// of a URL's authority for the captive-portal check (a redirect to another host), the
/// transport (whether `NoProxy=` exempts the host), the doctor (what to resolve and
/// connect to), and the checks of configured URLs and `Proxy=`.
public struct URLOrigin: Hashable, Sendable {
    /// `https` or `http`.
    public var scheme: String
    /// Lower-cased; an IPv6 literal keeps its brackets (`[::1]`), as a URL writes it.
    public var host: String
    /// The URL's port, else the scheme's (443, 80).
    public var port: Int
    /// Whether the URL names its port (`Proxy=` must).
    public var hasExplicitPort: Bool
    /// Whether the authority carries `user[:password]@` (configured URLs must not).
    public var hasUserInfo: Bool

    /// nil for a relative URL, another scheme, or no host.
    public init?(_ url: String) {
        let lower = url.lowercased()
        guard let scheme = ["https", "http"].first(where: { lower.hasPrefix($0 + "://") }) else { return nil }
        let authority = lower.dropFirst(scheme.count + 3).prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        hasUserInfo = authority.contains("@")
        let hostPort = authority.split(separator: "@", omittingEmptySubsequences: false).last ?? authority
        var portText: Substring?
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]") else { return nil }
            host = String(hostPort[...close])
            let rest = hostPort[hostPort.index(after: close)...]
            if rest.hasPrefix(":") { portText = rest.dropFirst() }
        } else {
            let parts = hostPort.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            host = String(parts[0])
            if parts.count > 1 { portText = parts[1] }
        }
        guard !host.isEmpty else { return nil }
        self.scheme = scheme
        hasExplicitPort = portText != nil
        if let portText {
            guard let number = Int(portText), (1...65535).contains(number) else { return nil }
            port = number
        } else {
            port = scheme == "https" ? 443 : 80
        }
    }

    /// `host:port`, as CONNECT and the doctor name it.
    public var authority: String { "\(host):\(port)" }
    /// The authority as the URL writes it: the port only when it named one.
    public var writtenAuthority: String { hasExplicitPort ? authority : host }
    /// `scheme://authority`, as written (lower-cased), without a path.
    public var origin: String { scheme + "://" + writtenAuthority }
    /// The host as a resolver takes it (`::1`, not `[::1]`).
    public var bareHost: String { host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host }
    /// An IPv4 or IPv6 literal: nothing to resolve.
    public var isAddress: Bool {
        host.hasPrefix("[") || (bareHost.split(separator: ".").count == 4 && bareHost.allSatisfy { $0.isNumber || $0 == "." })
    }
}

// SPDX-License-Identifier: Apache-2.0
import OAuthProvider

/// Where a request to the forwarder goes: the one reading of a client's request-target
/// and Host header (bytes a local program chose), fuzzed (`forwarder_target`).
public enum ForwarderRouting {
    /// The names a request may give the upstream by: its authority with and without the
    /// port, its host, and the neutral `provider` and `localhost`.
    public static func acceptedAuthorities(of upstream: URLOrigin) -> Set<String> {
        [upstream.authority, upstream.writtenAuthority, upstream.host, "provider", "localhost"]
    }

    /// The path and query to ask the upstream for, always starting with "/" (so that
    /// nothing the client writes can become the URL's authority); nil when the request
    /// names another place.
    public static func upstreamPath(target: String, host: String?, accepted: Set<String>) -> String? {
        if target.hasPrefix("/") {
            guard let host, accepted.contains(host.lowercased()) else { return nil }
            return target
        }
        // Absolute form (a client that believes it talks to a proxy): only for the upstream itself.
        guard target.hasPrefix("http://") || target.hasPrefix("https://"), let origin = URLOrigin(target), !origin.hasUserInfo,
              accepted.contains(origin.writtenAuthority) || accepted.contains(origin.authority)
        else { return nil }
        let afterScheme = target.hasPrefix("https://") ? target.dropFirst("https://".count) : target.dropFirst("http://".count)
        let path = afterScheme.drop { $0 != "/" && $0 != "?" }
        if path.isEmpty { return "/" }
        return path.hasPrefix("/") ? String(path) : "/" + path
    }
}

// SPDX-License-Identifier: Apache-2.0
import Primitives
import JSONCoding

/// Endpoints from the issuer's metadata, kept in a cache file in the state
/// directory so a restart without network still knows them. Fetched again when
/// the cache is older than `maxAge`, or after a call failed without an OAuth
/// answer (the provider may have moved them), at most once a minute.
public actor DiscoveredEndpoints: EndpointSource {
    public nonisolated let issuer: String
    let needs: [ProviderEndpoints.Need]
    let transport: any HTTPTransport
    let cachePath: String?
    let maxAge: Double
    let wallNow: @Sendable () -> Double
    var metadata: ProviderMetadata?
    var stale = false
    var lastAttempt = -Double.infinity

    public init(issuer: String, needs: [ProviderEndpoints.Need], transport: any HTTPTransport, cachePath: String?,
                maxAge: Double = 86_400, wallNow: @escaping @Sendable () -> Double = { WallTime().timeIntervalSince1970 }) {
        self.issuer = issuer
        self.needs = needs
        self.transport = transport
        self.cachePath = cachePath
        self.maxAge = maxAge
        self.wallNow = wallNow
        self.metadata = cachePath.flatMap { Self.readCache($0, issuer: issuer, needs: needs) }
    }

    /// At start: the metadata, fetched unless the cache is fresh. A definite problem
    /// (`.invalid`) is a configuration error; `.unreachable` with a cache falls back to it.
    public func prepare() async throws(DiscoveryError) -> (metadata: ProviderMetadata, fromCache: Bool) {
        if let metadata, !isOld(metadata) { return (metadata, true) }
        do {
            return (try await fetch(), false)
        } catch .unreachable(let url, let reason) {
            guard let metadata else { throw .unreachable(url: url, reason: reason) }
            return (metadata, true)
        }
    }

    public func current() async throws(OAuthFailure) -> ProviderEndpoints {
        if let metadata, !stale, !isOld(metadata) { return metadata.endpoints }
        if let metadata, wallNow() - lastAttempt < 60 { return metadata.endpoints }
        do {
            return try await fetch().endpoints
        } catch {
            // Keep calling the endpoints we know while the document cannot be had.
            if let metadata { return metadata.endpoints }
            throw .network("discovery: \(error)")
        }
    }

    public func callFailed() { stale = true }

    private func isOld(_ metadata: ProviderMetadata) -> Bool {
        let age = wallNow() - metadata.fetchedAt
        return age > maxAge || age < -300  // from the future: a clock that jumped back
    }

    private func fetch() async throws(DiscoveryError) -> ProviderMetadata {
        lastAttempt = wallNow()
        let fetched = try await ProviderDiscovery.fetch(issuer: issuer, needs: needs, transport: transport, now: wallNow())
        metadata = fetched
        stale = false
        if let cachePath, let bytes = try? JSON.encode(fetched) {
            // A cache that cannot be written costs a fetch at the next start, nothing more.
            try? SystemFiles.writeAtomically(Array(bytes), to: cachePath, mode: 0o644)
        }
        return fetched
    }

    static func readCache(_ path: String, issuer: String, needs: [ProviderEndpoints.Need]) -> ProviderMetadata? {
        guard let bytes = try? SystemFiles.read(path, limit: 64 * 1024),
              let metadata = try? JSON.decode(ProviderMetadata.self, from: bytes),
              metadata.issuer == issuer, metadata.endpoints.missing(needs) == nil, metadata.endpoints.unusable == nil
        else { return nil }
        return metadata
    }
}

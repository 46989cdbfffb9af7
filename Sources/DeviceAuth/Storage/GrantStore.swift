/// Where the daemon keeps its tokens between runs.
///
/// Contract for implementers: `save` returns only once the grant is durable
/// (survives a power cut) and replaces the previous one atomically; `load`
/// returns nil (never a crash) when nothing usable is stored; calls are
/// synchronous and safe from any thread.
public protocol GrantStore: Sendable {
    func load() throws(StoreError) -> Grant?
    func save(_ grant: Grant) throws(StoreError)
    func wipe() throws(StoreError)
}

/// A store that failed, in words that say what to do.
public struct StoreError: Error, CustomStringConvertible {
    public let description: String
    /// Set when the stored tokens are readable but belong to another client id
    /// (the device's id changed): they must be revoked under that id, not used.
    public var foreign: (grant: Grant, clientID: String)?

    public init(_ description: String, foreign: (grant: Grant, clientID: String)? = nil) {
        self.description = description
        self.foreign = foreign
    }
}

// SPDX-License-Identifier: Apache-2.0
import OAuthProvider
/// Where the daemon keeps its tokens between runs.
///
/// Contract for implementers: `save` returns only once the grant is durable
/// (survives a power cut) and replaces the previous one atomically; `load`
/// returns nil when nothing is stored, and throws `unreadable` for what is
/// stored but cannot be read (never after retrying a transient error only);
/// `setAside` keeps what cannot be read under another name and leaves an empty
/// store; calls are synchronous and safe from any thread.
public protocol GrantStore: Sendable {
    func load() throws(StoreError) -> Grant?
    func save(_ grant: Grant) throws(StoreError)
    func wipe() throws(StoreError)
    /// Moves the stored file(s) aside and starts an empty store; answers where they went.
    func setAside() throws(StoreError) -> String
    /// What the store already set aside when it was opened (a corrupt file, a newer schema), in words.
    var setAsideAtOpen: String? { get }
    /// Why it was set aside, in a few words for STATUS (nil when nothing was).
    var setAsideReason: String? { get }
    /// A newer release's store that this one uses as it is (a firmware rollback), in words.
    var newerSchema: String? { get }
}

extension GrantStore {
    public var setAsideReason: String? { nil }
    public var newerSchema: String? { nil }
}

/// A store that failed, in words that say what to do.
public struct StoreError: Error, CustomStringConvertible {
    public let description: String
    /// Set when the stored tokens are readable but belong to another client id
    /// (the device's id changed): they must be revoked under that id, not used.
    public var foreign: (grant: Grant, clientID: String)?
    /// What is stored cannot be read (wrong or missing key, garbled row): set it aside, never delete it.
    public var unreadable: Bool

    public init(_ description: String, foreign: (grant: Grant, clientID: String)? = nil, unreadable: Bool = false) {
        self.description = description
        self.foreign = foreign
        self.unreadable = unreadable
    }
}

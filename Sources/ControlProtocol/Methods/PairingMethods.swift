// SPDX-License-Identifier: Apache-2.0
import AccessPolicy
/// The status, and pairing: anyone may look; only administrators start, stop or end a pairing.

/// The status object alone: `status`, `watch`, `pair`, `cancel`, `refresh` and the logins answer it.
public struct StatusResult: Codable, Sendable, Equatable {
    public var status: ControlStatus
    public init(status: ControlStatus) { self.status = status }
}

public enum StatusMethod: ControlMethod {
    public typealias Result = StatusResult
    public static let name = "status", use = Use.observe, command = "status"
}

/// The status now, then a line with `"event": "status"` for each change, while the connection lasts.
public enum WatchMethod: ControlMethod {
    public typealias Result = StatusResult
    public static let name = "watch", use = Use.observe, command = "wait"
}

public enum PairMethod: ControlMethod {
    public typealias Result = StatusResult
    public static let name = "pair", use = Use.administer, command = "pair"
}

public enum CancelMethod: ControlMethod {
    public typealias Result = StatusResult
    public static let name = "cancel", use = Use.administer, command = "cancel"
}

/// `unpair`: the status, and what became of the revocation at the provider.
public struct UnpairResult: Codable, Sendable, Equatable {
    public var status: ControlStatus
    /// Whether the provider confirmed the revocation.
    public var revoked: Bool
    /// `revoked`, `not_revoked`, `nothing_to_revoke` or `unsupported` (for scripts, such as the package's purge).
    public var revocation: String
    /// The same, in words.
    public var message: String

    public init(status: ControlStatus, revoked: Bool, revocation: String, message: String) {
        self.status = status
        self.revoked = revoked
        self.revocation = revocation
        self.message = message
    }
}

public enum UnpairMethod: ControlMethod {
    public typealias Result = UnpairResult
    public static let name = "unpair", use = Use.administer, command = "unpair"
}

// SPDX-License-Identifier: Apache-2.0
import OAuthProvider
/// What the transition function asks the engine to do, in order.
public enum PairingEffect: Equatable, Sendable {
    case requestDeviceCode
    case poll(DeviceCodeSession)
    case refresh(Grant)
    /// Revoke the authorization being unpaired (the unpair waits for the answer).
    case revoke(Grant)
    /// Revoke tokens the daemon will not keep (they arrived after their authorization was dropped).
    case revokeDiscarded(Grant)
    case fetchDeviceInfo(Grant)
    case sendHeartbeat(Grant)
    /// Commit tokens to the store (fsync) before anything else uses them.
    case persist(Grant)
    case wipeStore
    case schedule(PairingTimer, afterSeconds: Double)
    case cancel(PairingTimer)
    case log(PairingLog)
}

/// A log line the machine wants written. `kind` marks the events an operator
/// searches the journal for (each has a MESSAGE_ID).
public struct PairingLog: Equatable, Sendable {
    public enum Level: Sendable { case info, notice, warning, error }
    public enum Kind: String, Sendable, CaseIterable {
        case paired, refreshed, authorizationLost, codeRenewed, storeSetAside

        /// journald MESSAGE_ID: stable 128-bit ids, `journalctl MESSAGE_ID=…` finds them.
        public var messageID: String {
            switch self {
            case .paired: "4f1c3a0e6b2d4c8a9e7f5d3b1a2c4e60"
            case .refreshed: "4f1c3a0e6b2d4c8a9e7f5d3b1a2c4e61"
            case .authorizationLost: "4f1c3a0e6b2d4c8a9e7f5d3b1a2c4e62"
            case .codeRenewed: "4f1c3a0e6b2d4c8a9e7f5d3b1a2c4e63"
            case .storeSetAside: "4f1c3a0e6b2d4c8a9e7f5d3b1a2c4e64"
            }
        }
    }

    public var level: Level
    public var message: String
    public var kind: Kind?
    /// A network fault the line reports: its kind has a MESSAGE_ID of its own.
    public var fault: NetworkFault.Kind?

    public init(_ level: Level, _ message: String, kind: Kind? = nil, fault: NetworkFault.Kind? = nil) {
        self.level = level
        self.message = message
        self.kind = kind
        self.fault = fault
    }

    /// A line about `failure`: when it is a network fault, marked with the fault's kind.
    public init(_ level: Level, _ message: String, failure: OAuthFailure) {
        if case .network(let fault) = failure { self.init(level, message, fault: fault.kind) } else { self.init(level, message) }
    }

    public var messageID: String? { kind?.messageID ?? fault?.messageID }
}

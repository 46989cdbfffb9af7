// SPDX-License-Identifier: Apache-2.0
import OAuthProvider
/// Where the device stands: `unpaired → polling → authorized → refreshing → authorized …`.
public enum PairingState: Equatable, Sendable {
    case unpaired(UnpairedReason)
    case polling(Polling)
    case authorized(Authorized)
    /// Exactly one refresh is in flight or waiting to be retried.
    case refreshing(Authorized, failures: Int)

    /// While pairing: the code we poll with (nil while one is being requested).
    public struct Polling: Equatable, Sendable {
        public var session: DeviceCodeSession?
        /// Consecutive network or server errors, for the backoff.
        public var failures = 0
        /// Codes requested in this pairing, so a renewal can be told from the first.
        public var codesIssued = 0
        /// Why we are waiting, when it is not the normal rhythm (shown in STATUS).
        public var lastProblem: String?
        /// The last failure was the clock's (`clockNotSet`): its being set is worth a retry.
        public var waitingForClock = false
    }

    public struct Authorized: Equatable, Sendable {
        public var grant: Grant
        public var projectName: String?
        public var lastProblem: String?
        /// The last refresh failed by the clock (`clockNotSet`): its being set is worth a retry.
        public var waitingForClock = false
    }

    /// The state's name, as STATUS= and the control socket spell it.
    public var name: String {
        switch self {
        case .unpaired: "unpaired"
        case .polling: "polling"
        case .authorized: "authorized"
        case .refreshing: "refreshing"
        }
    }

    /// The tokens currently held, if any (refreshing still holds the old pair).
    public var grant: Grant? {
        switch self {
        case .authorized(let authorized), .refreshing(let authorized, _): authorized.grant
        case .unpaired, .polling: nil
        }
    }
}

/// Why the device is not paired, for STATUS and `deviceauthctl status`.
public enum UnpairedReason: Equatable, Sendable {
    case neverPaired
    case pairingCancelled
    /// An administrator unpaired; `revocation` is what the provider said, once it did.
    case unpairRequested(revocation: RevokeOutcome?)
    case denied
    /// A login dialect: the first tokens come from `command` (`deviceauthctl login …`);
    /// `lost` says why the tokens held before are gone, if they were.
    case awaitingLogin(command: String, lost: String?)
    /// The provider no longer accepts the authorization (revoked, rotated elsewhere, expired).
    case authorizationLost(String)
    /// The provider refused our client credentials or request: a configuration problem.
    case configurationRejected(String)

    /// What `status` shows as a problem: only what went wrong, never what someone chose
    /// (an unpair, a cancelled pairing) or the plain start; STATUS says those.
    public var problem: String? {
        switch self {
        case .neverPaired, .pairingCancelled, .awaitingLogin(_, nil): nil
        case .unpairRequested(let revocation):
            if case .notRevoked? = revocation { revocation.map { "\($0)" } } else { nil }
        case .denied, .awaitingLogin, .authorizationLost, .configurationRejected: explanation
        }
    }

    public var explanation: String {
        switch self {
        case .neverPaired: "not paired"
        case .pairingCancelled: "pairing cancelled"
        case .unpairRequested(nil): "unpaired on request"
        case .unpairRequested(let outcome?): "unpaired on request; \(outcome)"
        case .denied: "the pairing was denied on the activation page"
        case .awaitingLogin(let command, nil): "not logged in: run \(command)"
        case .awaitingLogin(let command, let lost?): "logged out (\(lost)): run \(command)"
        case .authorizationLost(let why): "the authorization was lost (\(why))"
        case .configurationRejected(let why): "the provider rejected our configuration: \(why)"
        }
    }
}

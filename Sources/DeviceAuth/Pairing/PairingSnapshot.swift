// SPDX-License-Identifier: Apache-2.0
import Primitives

/// What the outside world may know about the pairing at one moment: no
/// token, no device code. The control socket and the QR files are drawn from it.
public struct PairingSnapshot: Equatable, Sendable {
    public var state: String
    public var status: String
    public var userCode: String?
    public var verificationURI: String?
    public var verificationURIComplete: String?
    public var codeExpiresAt: WallTime?
    public var project: String?
    public var tokenExpiresAt: WallTime?
    public var problem: String?
    /// The user the device is logged in as, when the login named one.
    public var account: String?

    public init(_ state: PairingState) {
        self.state = state.name
        self.status = state.statusLine()
        switch state {
        case .unpaired(let reason):
            problem = reason.problem
        case .polling(let polling):
            userCode = polling.session?.userCode
            verificationURI = polling.session?.verificationURI
            verificationURIComplete = polling.session?.verificationURIComplete
            codeExpiresAt = polling.session?.expiresAt
            problem = polling.lastProblem
        case .authorized(let authorized), .refreshing(let authorized, _):
            project = authorized.projectName
            tokenExpiresAt = authorized.grant.accessExpiresAt
            problem = authorized.lastProblem
            account = authorized.grant.account
        }
    }

    /// The URL to draw as a QR code: the complete one (with the code in it), else the plain one.
    public var qrURL: String? { verificationURIComplete ?? verificationURI }
}

/// Why `token` could not hand out a token.
public enum TokenUnavailable: Error, Equatable, Sendable, CustomStringConvertible {
    /// Not paired (unpaired or still polling).
    case notAuthorized(state: String)
    /// The refresh needed to satisfy `min_valid_seconds` failed; the pairing is kept.
    case refreshFailed(String)

    public var description: String {
        switch self {
        case .notAuthorized(let state): "the device is not paired (state \(state))"
        case .refreshFailed(let why): "the token could not be refreshed: \(why)"
        }
    }
}

/// What became of the revocation that an unpair asks for.
public enum RevokeOutcome: Equatable, Sendable, CustomStringConvertible {
    case revoked
    /// The tokens are wiped here, but the provider may still honour them.
    case notRevoked(String)
    /// There was no authorization to revoke.
    case nothingToRevoke
    /// The provider has no revocation endpoint: the tokens are wiped here only.
    case unsupported

    public var description: String {
        switch self {
        case .revoked: "the authorization was revoked at the provider"
        case .notRevoked(let why): "the tokens are wiped here, but the provider could not be told (\(why)); remove the device in the provider's web app"
        case .nothingToRevoke: "there was no authorization to revoke"
        case .unsupported: "the tokens are wiped here; the provider offers no revocation endpoint, so they stay valid there until they expire (remove the device's access in the provider's account settings to end it sooner)"
        }
    }

    /// The control protocol's `revocation`: one word a script can test.
    public var wireName: String {
        switch self {
        case .revoked: "revoked"
        case .notRevoked: "not_revoked"
        case .nothingToRevoke: "nothing_to_revoke"
        case .unsupported: "unsupported"
        }
    }
}

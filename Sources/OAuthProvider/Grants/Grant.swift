// SPDX-License-Identifier: Apache-2.0
import Primitives

/// The tokens of one authorization. Never printed: its description shows
/// fingerprints only, so a stray `\(grant)` cannot leak a token into a log.
public struct Grant: Equatable, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public var accessToken: String
    /// Absent when the scope lacked `offline`: the device must pair again when the access token dies.
    public var refreshToken: String?
    public var accessExpiresAt: WallTime
    public var obtainedAt: WallTime
    /// When the tokens were obtained on the boot clock, which never jumps: within
    /// that boot it, not the wall clock, decides how long they have left.
    /// nil for tokens stored before deviceauthd kept it.
    public var obtainedBoot: BootInstant?
    public var scope: String
    /// Who the tokens act for, when the login named a user (CameraManager's email). Not a secret.
    public var account: String?

    public init(accessToken: String, refreshToken: String?, accessExpiresAt: WallTime, obtainedAt: WallTime,
                obtainedBoot: BootInstant? = nil, scope: String, account: String? = nil) {
        self.account = account
        self.accessToken = accessToken
        self.refreshToken = refreshToken
        self.accessExpiresAt = accessExpiresAt
        self.obtainedAt = obtainedAt
        self.obtainedBoot = obtainedBoot
        self.scope = scope
    }

    public var lifetime: Double { max(0, accessExpiresAt.timeIntervalSince(obtainedAt)) }

    public var description: String {
        "Grant(access \(Fingerprint.of(accessToken)), refresh \(refreshToken.map(Fingerprint.of) ?? "none"), expires \(accessExpiresAt))"
    }
    public var debugDescription: String { description }
}

/// A short, stable, one-way name for a secret, fit for logs: the first 12 hex
/// digits of its SHA-256.
public enum Fingerprint {
    public static func of(_ secret: String) -> String {
        Hex.encode(SHA256.hash(Array(secret.utf8)).prefix(6))
    }
}

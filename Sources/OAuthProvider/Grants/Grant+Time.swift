// SPDX-License-Identifier: Apache-2.0
import Primitives

/// How long a token lives, decided on the clock that can be trusted.
extension Grant {
    /// Seconds the access token has left at `now`, or nil when that cannot be
    /// known: tokens from an earlier boot while the wall clock is not to be
    /// trusted (not synchronized, or earlier than when the tokens were obtained).
    public func remaining(at now: Moment) -> Double? {
        if let elapsed = obtainedBoot?.seconds(until: now.boot) { return lifetime - elapsed }
        guard Self.wallIsTrusted(now, since: obtainedAt) else { return nil }
        return accessExpiresAt.timeIntervalSince(now.wall)
    }

    /// This grant with both clocks agreeing at `now`: within the boot that
    /// obtained it, the wall-clock times are re-derived from the boot clock (the
    /// wall clock was set since); from an earlier boot, with a wall clock that can
    /// be trusted, its times are placed on this boot's clock. Otherwise unchanged.
    public func anchored(at now: Moment) -> Grant {
        var grant = self
        if let elapsed = obtainedBoot?.seconds(until: now.boot) {
            grant.obtainedAt = now.wall.addingTimeInterval(-elapsed)
            grant.accessExpiresAt = grant.obtainedAt.addingTimeInterval(lifetime)
        } else if Self.wallIsTrusted(now, since: obtainedAt) {
            grant.obtainedBoot = BootInstant(bootID: now.boot.bootID, seconds: now.boot.seconds - now.wall.timeIntervalSince(obtainedAt))
        }
        return grant
    }

    /// Across a reboot only the wall clock tells how much time passed, and only
    /// when it is synchronized and has not gone back before a time we saw.
    static func wallIsTrusted(_ now: Moment, since seen: WallTime) -> Bool {
        now.wallSynchronized && now.wall >= seen
    }
}

extension DeviceCodeSession {
    /// Seconds the code has left at `now` (on the boot clock when it can be).
    public func remaining(at now: Moment) -> Double {
        if let elapsed = issuedBoot?.seconds(until: now.boot) { return expiresAt.timeIntervalSince(issuedAt) - elapsed }
        return expiresAt.timeIntervalSince(now.wall)
    }

    /// The code's wall-clock times re-derived from the boot clock (for STATUS, after the wall clock was set).
    public func anchored(at now: Moment) -> DeviceCodeSession {
        guard let elapsed = issuedBoot?.seconds(until: now.boot) else { return self }
        var session = self
        let lifetime = expiresAt.timeIntervalSince(issuedAt)
        session.issuedAt = now.wall.addingTimeInterval(-elapsed)
        session.expiresAt = session.issuedAt.addingTimeInterval(lifetime)
        return session
    }
}

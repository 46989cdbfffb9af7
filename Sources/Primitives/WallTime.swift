// SPDX-License-Identifier: Apache-2.0
import CLinux
import EpochTime
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A reading of the wall clock: seconds since 1970-01-01 UTC, as Foundation's
/// `Date` holds them, without Foundation (which costs a static binary about
/// 7 MB). The wall clock may jump; `Moment` pairs it with the boot clock.
public struct WallTime: Comparable, Hashable, Sendable, CustomStringConvertible {
    public var timeIntervalSince1970: Double

    public init(timeIntervalSince1970 seconds: Double) { timeIntervalSince1970 = seconds }

    /// Now, by CLOCK_REALTIME, read in 64 bits (right after 2038 where `time_t` is 32 bits).
    public init() {
        timeIntervalSince1970 = deviceauth_clock_seconds(CLOCK_REALTIME)
    }

    /// Whole seconds since 1970, rounded down, saturating (never a trap, whatever the clock says).
    public var epochSeconds: Int64 { Saturating.integer(timeIntervalSince1970, as: Int64.self) }

    public func addingTimeInterval(_ seconds: Double) -> WallTime { WallTime(timeIntervalSince1970: timeIntervalSince1970 + seconds) }

    public func timeIntervalSince(_ other: WallTime) -> Double { timeIntervalSince1970 - other.timeIntervalSince1970 }

    public var timeIntervalSinceNow: Double { timeIntervalSince(WallTime()) }

    public static func < (lhs: WallTime, rhs: WallTime) -> Bool { lhs.timeIntervalSince1970 < rhs.timeIntervalSince1970 }

    /// UTC, ISO 8601 to the second, for messages.
    public var description: String { TimeText.iso8601UTC(self) }
}

// SPDX-License-Identifier: Apache-2.0
#if canImport(Glibc)
import Glibc
#endif

/// A reading of the wall clock: seconds since 1970-01-01 UTC, as Foundation's
/// `Date` holds them, without Foundation (which costs a static binary about
/// 7 MB). The wall clock may jump; `Moment` pairs it with the boot clock.
public struct WallTime: Comparable, Hashable, Sendable, CustomStringConvertible {
    public var timeIntervalSince1970: Double

    public init(timeIntervalSince1970 seconds: Double) { timeIntervalSince1970 = seconds }

    /// Now, by CLOCK_REALTIME.
    public init() {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        timeIntervalSince1970 = Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }

    public func addingTimeInterval(_ seconds: Double) -> WallTime { WallTime(timeIntervalSince1970: timeIntervalSince1970 + seconds) }

    public func timeIntervalSince(_ other: WallTime) -> Double { timeIntervalSince1970 - other.timeIntervalSince1970 }

    public var timeIntervalSinceNow: Double { timeIntervalSince(WallTime()) }

    public static func < (lhs: WallTime, rhs: WallTime) -> Bool { lhs.timeIntervalSince1970 < rhs.timeIntervalSince1970 }

    /// UTC, ISO 8601 to the second, for messages.
    public var description: String { TimeText.iso8601UTC(self) }
}

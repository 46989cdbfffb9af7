// SPDX-License-Identifier: Apache-2.0
import EpochTime
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Times as people read them on a camera screen or in the journal: local
/// wall-clock `HH:MM:SS` (without Foundation's date formatters). Any time can be
/// shown: one the platform's `time_t` cannot hold (after 2038 where it is 32
/// bits wide, or a garbled clock) is shown in UTC and says so, never a trap.
public enum TimeText {
    public static func clock(_ date: WallTime) -> String {
        let (parts, utc) = local(date)
        return "\(two(parts.hour)):\(two(parts.minute)):\(two(parts.second))" + (utc ? " UTC" : "")
    }

    /// `YYYY-MM-DD HH:MM:SS`, for times that may be far from today (a clock at 1970).
    public static func dateTime(_ date: WallTime) -> String {
        let (parts, utc) = local(date)
        return parts.description + (utc ? " UTC" : "")
    }

    /// `YYYY-MM-DD HH:MM:SS +0000`, in UTC (as Foundation's `Date` describes itself).
    public static func iso8601UTC(_ date: WallTime) -> String {
        CivilTime(utc: Saturating.integer(date.timeIntervalSince1970, as: Int64.self)).description + " +0000"
    }

    /// The local calendar time, or UTC (true) when the platform cannot place `date` in local time.
    static func local(_ date: WallTime) -> (CivilTime, utc: Bool) {
        local(Saturating.integer(date.timeIntervalSince1970, as: Int64.self), as: time_t.self, localtime: systemLocaltime)
    }

    /// Generic over the platform's `time_t`, so a 32-bit one can be tested on a 64-bit host.
    static func local<T: FixedWidthInteger>(_ seconds: Int64, as timeType: T.Type, localtime: (T) -> CivilTime?) -> (CivilTime, utc: Bool) {
        if let representable = T(exactly: seconds), let parts = localtime(representable) { return (parts, false) }
        return (CivilTime(utc: seconds), true)
    }

    static func systemLocaltime(_ seconds: time_t) -> CivilTime? {
        var seconds = seconds
        var parts = tm()
        guard localtime_r(&seconds, &parts) != nil else { return nil }
        return CivilTime(year: Int64(parts.tm_year) + 1900, month: Int(parts.tm_mon) + 1, day: Int(parts.tm_mday),
                         hour: Int(parts.tm_hour), minute: Int(parts.tm_min), second: Int(parts.tm_sec))
    }

    private static func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
}

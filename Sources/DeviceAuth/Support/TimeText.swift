// SPDX-License-Identifier: Apache-2.0
#if canImport(Glibc)
import Glibc
#endif

/// Times as people read them on a camera screen or in the journal: local
/// wall-clock `HH:MM:SS` (without Foundation's date formatters).
public enum TimeText {
    public static func clock(_ date: WallTime) -> String {
        let parts = local(date)
        return "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))"
    }

    /// `YYYY-MM-DD HH:MM:SS`, for times that may be far from today (a clock at 1970).
    public static func dateTime(_ date: WallTime) -> String {
        let parts = local(date)
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday)) " + clock(date)
    }

    /// `YYYY-MM-DD HH:MM:SS +0000`, in UTC (as Foundation's `Date` describes itself).
    public static func iso8601UTC(_ date: WallTime) -> String {
        let parts = broken(date, local: false)
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday)) \(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) +0000"
    }

    private static func local(_ date: WallTime) -> tm { broken(date, local: true) }

    private static func broken(_ date: WallTime, local: Bool) -> tm {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        if local { localtime_r(&seconds, &parts) } else { gmtime_r(&seconds, &parts) }
        return parts
    }

    private static func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
}

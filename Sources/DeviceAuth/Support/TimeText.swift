import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// Times as people read them on a camera screen or in the journal: local
/// wall-clock `HH:MM:SS` (FoundationEssentials has no date formatter).
public enum TimeText {
    public static func clock(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        localtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))"
    }
}

// SPDX-License-Identifier: Apache-2.0

/// A moment as a calendar shows it, in UTC, from seconds since 1970 as a 64-bit
/// count: correct before 1970, past 2038 (where a 32-bit `time_t` ends) and past
/// 2106 (where an unsigned one does), whatever the platform's `time_t` is, and
/// without `timegm`/`gmtime_r`, which go through `time_t`.
///
/// The day arithmetic is the proleptic Gregorian calendar counted in 400-year
/// eras of 146,097 days, with years starting on March 1 so that the leap day
/// comes last (the method of Howard Hinnant's `chrono`-compatible date
/// algorithms, credited in NOTICE).
public struct CivilTime: Equatable, Sendable, CustomStringConvertible {
    public var year: Int64
    /// 1…12
    public var month: Int
    /// 1…31
    public var day: Int
    public var hour: Int
    public var minute: Int
    public var second: Int

    public init(year: Int64, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) {
        (self.year, self.month, self.day, self.hour, self.minute, self.second) = (year, month, day, hour, minute, second)
    }

    /// The calendar time of `seconds` since 1970-01-01 00:00:00 UTC. Beyond about a
    /// billion years either way (a garbled clock, a saturated reading) the nearest bound
    /// is shown: the day arithmetic must not overflow.
    public init(utc seconds: Int64) {
        let seconds = min(max(seconds, -Self.bound), Self.bound)
        let days = seconds.floorDivided(by: 86_400)
        let inDay = Int(seconds - days * 86_400)
        let (year, month, day) = Self.civil(fromDays: days)
        self.init(year: year, month: month, day: day, hour: inDay / 3600, minute: inDay % 3600 / 60, second: inDay % 60)
    }

    /// 2^55 seconds: 1.1 billion years.
    static let bound: Int64 = 1 << 55

    /// Seconds since 1970-01-01 00:00:00 UTC (fields out of their usual range carry over,
    /// as `timegm` lets them: second 60, day 0).
    public var secondsSince1970: Int64 {
        // Months out of 1…12 carry into the year first.
        let monthIndex = Int64(month - 1)
        let carry = monthIndex.floorDivided(by: 12)
        let days = Self.days(year: year + carry, month: Int(monthIndex - carry * 12) + 1, day: 1) + Int64(day - 1)
        return days * 86_400 + Int64(hour) * 3600 + Int64(minute) * 60 + Int64(second)
    }

    /// `YYYY-MM-DD HH:MM:SS`
    public var description: String {
        "\(year < 0 ? "-" : "")\(Self.pad(abs(year), 4))-\(Self.pad(Int64(month), 2))-\(Self.pad(Int64(day), 2)) \(Self.pad(Int64(hour), 2)):\(Self.pad(Int64(minute), 2)):\(Self.pad(Int64(second), 2))"
    }

    /// Days since 1970-01-01 of a date (month 1…12).
    static func days(year: Int64, month: Int, day: Int) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = y.floorDivided(by: 400)
        let yearOfEra = y - era * 400                                        // 0…399
        let monthFromMarch = Int64(month > 2 ? month - 3 : month + 9)         // March = 0
        let dayOfYear = (153 * monthFromMarch + 2) / 5 + Int64(day) - 1       // 0…365
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear  // 0…146096
        return era * 146_097 + dayOfEra - 719_468                             // 719468: 0000-03-01 to 1970-01-01
    }

    /// The date `days` after 1970-01-01.
    static func civil(fromDays days: Int64) -> (year: Int64, month: Int, day: Int) {
        let shifted = days + 719_468
        let era = shifted.floorDivided(by: 146_097)
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthFromMarch = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * monthFromMarch + 2) / 5 + 1)
        let month = Int(monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9)
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}

extension Int64 {
    /// Division rounding towards minus infinity (days before 1970 belong to the earlier day).
    func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}

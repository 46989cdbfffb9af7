// SPDX-License-Identifier: Apache-2.0
@testable import Primitives
@testable import OAuthProvider
import EpochTime
import Foundation
import Testing

/// Times past 2038 (where a 32-bit `time_t` ends) and 2106 (where an unsigned one
/// does), before 1970 and beyond any sense: converted without a trap, shown, and
/// read from certificates, whatever the platform's `time_t` is. A 32-bit `time_t`
/// is stood in for by `Int32` where the code is generic over it.
@Suite("Time past 2038")
struct Time2038Tests {
    @Test("The calendar of 64-bit seconds: the edges of 32-bit time, leap days, before 1970, far ahead", arguments: [
        (Int64(0), "1970-01-01 00:00:00"), (Int64(Int32.max), "2038-01-19 03:14:07"), (Int64(Int32.max) + 1, "2038-01-19 03:14:08"),
        (Int64(UInt32.max), "2106-02-07 06:28:15"), (Int64(UInt32.max) + 1, "2106-02-07 06:28:16"),
        (-1, "1969-12-31 23:59:59"), (951_782_400, "2000-02-29 00:00:00"), (2_208_988_800, "2040-01-01 00:00:00"),
        (2_524_608_000, "2050-01-01 00:00:00"), (4_107_542_400, "2100-03-01 00:00:00"), (253_402_300_799, "9999-12-31 23:59:59"),
    ])
    func civil(seconds: Int64, text: String) {
        let civil = CivilTime(utc: seconds)
        #expect(civil.description == text)
        #expect(civil.secondsSince1970 == seconds)
    }

    @Test("The calendar agrees with Foundation's on 2,000 dates from 1600 to 9999 (before 1582 Foundation's is Julian, ours proleptic Gregorian, as gmtime's)")
    func civilAgreesWithFoundation() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "UTC"))
        var state: UInt64 = 0x2038
        // Bounded: Foundation's calendar is slow, and this runs on one of the two cooperative
        // threads the daemon tests' own waiting shares.
        for _ in 0..<2_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let seconds = Int64(state >> 1) % (253_402_300_799 + 11_676_096_000) - 11_676_096_000  // 1600-01-01 … 9999-12-31
            let ours = CivilTime(utc: seconds)
            let theirs = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: Double(seconds)))
            #expect([ours.year, Int64(ours.month), Int64(ours.day), Int64(ours.hour), Int64(ours.minute), Int64(ours.second)]
                    == [theirs.year, theirs.month, theirs.day, theirs.hour, theirs.minute, theirs.second].map { Int64($0 ?? -1) }, "\(seconds)")
            if ours.secondsSince1970 != seconds { Issue.record("\(seconds) does not come back"); break }
        }
    }

    @Test("Seconds of any size into any width: nearest value, never a trap (a Double into Int32 after 2038, NaN, infinity)")
    func saturating() {
        #expect(Saturating.integer(2_208_988_800.5, as: Int32.self) == Int32.max)
        #expect(Saturating.integer(-1e300, as: Int32.self) == Int32.min)
        #expect(Saturating.integer(.nan, as: Int64.self) == 0)
        #expect(Saturating.integer(.infinity, as: Int64.self) == Int64.max)
        #expect(Saturating.integer(9.3e18, as: Int64.self) == Int64.max)
        #expect(Saturating.integer(-0.5, as: Int64.self) == -1)
        #expect(Saturating.integer(2_208_988_800.9, as: Int64.self) == 2_208_988_800)
        #expect(WallTime(timeIntervalSince1970: 1e300).epochSeconds == Int64.max)
    }

    @Test("A time a 32-bit time_t cannot hold is shown in UTC and says so; one it can, in local time")
    func shownPast2038() {
        let local: (Int32) -> CivilTime? = { CivilTime(utc: Int64($0) + 3600) }  // a stand-in for localtime_r, one hour east
        let (inRange, inRangeUTC) = TimeText.local(1_800_000_000, as: Int32.self, localtime: local)
        #expect(!inRangeUTC && inRange.description == "2027-01-15 09:00:00")
        let (past, pastUTC) = TimeText.local(2_208_988_800, as: Int32.self, localtime: local)
        #expect(pastUTC && past.description == "2040-01-01 00:00:00")
        // The real formatter, on this platform, for a 2040 and a 2106 expiry and a wild clock.
        #expect(TimeText.dateTime(WallTime(timeIntervalSince1970: 2_208_988_800)).hasPrefix("20"))
        #expect(WallTime(timeIntervalSince1970: 4_294_967_296).description == "2106-02-07 06:28:16 +0000")
        #expect(WallTime(timeIntervalSince1970: -1e300).description.hasPrefix("-"))
    }

    @Test("A certificate's notAfter in 2050 is read as 2050, not as timegm's -1 of a 32-bit time_t")
    func certificateDates() {
        var time = tm()
        (time.tm_year, time.tm_mon, time.tm_mday, time.tm_hour) = (150, 0, 1, 0)  // 2050-01-01
        #expect(TrustBundle.seconds(of: time) == 2_524_608_000)
        (time.tm_year, time.tm_mon, time.tm_mday, time.tm_hour, time.tm_min, time.tm_sec) = (206, 1, 7, 6, 28, 16)  // 2106-02-07 06:28:16
        #expect(TrustBundle.seconds(of: time) == 4_294_967_296)
    }
}

// SPDX-License-Identifier: Apache-2.0
@testable import Control
@testable import AccessPolicy
import Testing

/// The journal budget of refusals, on an injected clock; and the connection cap fitted
/// under a descriptor limit.
@Suite("Refusal log and descriptor fit")
struct RefusalLogTests {
    @Test("One line a minute per uid; the next line counts what was left out; uids apart")
    func oncePerMinutePerUID() {
        let log = RefusalLog()
        let start = 1000.0
        #expect(log.shouldLog(uid: 10, now: start) == 0)
        for second in 1...59 { #expect(log.shouldLog(uid: 10, now: start + Double(second)) == nil) }
        #expect(log.shouldLog(uid: 11, now: start + Double(30)) == 0, "another uid has its own budget")
        #expect(log.shouldLog(uid: 10, now: start + Double(60)) == 59)
        #expect(log.shouldLog(uid: 10, now: start + Double(61)) == nil)
        #expect(log.shouldLog(uid: 10, now: start + Double(200)) == 1)
        #expect(RefusalLog.suffix(unlogged: 0) == "")
        #expect(RefusalLog.suffix(unlogged: 59) == "; 59 more refused since the last line about this uid")
    }

    @Test("Many uids: memory bounded, the least recently logged forgotten first")
    func boundedUIDs() {
        let log = RefusalLog()
        let start = 1000.0
        for uid in 0..<UInt32(RefusalLog.capacity) { #expect(log.shouldLog(uid: uid, now: start + Double(uid) / 1000) == 0) }
        #expect(log.shouldLog(uid: 1000, now: start + Double(1)) == 0)
        #expect(log.shouldLog(uid: 0, now: start + Double(2)) == 0, "uid 0 was the oldest and is forgotten")
        #expect(log.shouldLog(uid: 5, now: start + Double(2)) == nil, "uid 5 is still remembered")
    }

    @Test("MaxConnections= is lowered to fit LimitNOFILE=, with the reserve kept")
    func descriptorFit() {
        var limits = ConnectionLimits()
        #expect(limits.fit(descriptorLimit: 512) == nil, "the shipped units' 512 fit the default 256")
        #expect(limits.total == 256)
        #expect(limits.fit(descriptorLimit: 256) == 256 - ConnectionLimits.reservedDescriptors - limits.lingeringRefusals)
        #expect(limits.total == 176)
        var tiny = ConnectionLimits()
        #expect(tiny.fit(descriptorLimit: 20) == 4, "never below a handful")
    }
}

// SPDX-License-Identifier: Apache-2.0
import Primitives
@testable import DeviceAuth
@testable import OAuthProvider
import Foundation
import Testing

/// Lifetimes on the boot clock, the wall clock only where it can be trusted:
/// a 1970 boot, a clock set ahead, a suspend. All on the driven clock.
@Suite("Engine: time that cameras really have")
struct EngineTimeTests {
    static let year = 365 * 86_400.0

    @Test("Stored tokens at a boot whose clock reads 1970 are refreshed once before use, then timed on the boot clock")
    func bootAt1970() async throws {
        // Obtained in boot A a minute before `now`; the camera boots again (boot B) with its clock at 1970.
        let stored = Fixtures.grant(obtainedAt: Fixtures.now.addingTimeInterval(-60), lifetime: 3600)
        let clock = ManualClock(wall: WallTime(timeIntervalSince1970: 86_400), boot: 5, bootID: "boot-B", synchronized: false)
        let harness = try EngineHarness(stored: stored, clock: clock)
        try await harness.start()
        let token = try await harness.engine.token()
        #expect(token.accessToken == "AT-2", "the stored token of unknown age was not served")
        #expect(await harness.provider.refreshes == 1)
        #expect(harness.log.contains("the wall clock cannot be trusted yet (it reads 1970-01-02"))
        // No storm: the next refresh is planned on the boot clock at 72.5 % of the new lifetime
        // (75 % less half the jitter), 2610 s after it was obtained at boot second 5.
        try await until("the next refresh is planned") { harness.clock.sleepers.contains { abs($0 - 2615) < 0.01 } }
        #expect(await harness.provider.refreshes == 1)
        // Nothing else is planned before it but the heartbeat (120 s after the new tokens).
        #expect(harness.clock.sleepers.filter { $0 < 2614 } == [125])
        clock.advance(by: 2620)
        try await until("the planned refresh went out") { await harness.provider.refreshes == 2 }
        await harness.triggerStop()
        #expect(await harness.stopped())
    }

    @Test("The clock set while a pairing code is refused for it: the retry comes a second later, and never beside a request still on the wire")
    func clockSetRetriesOnce() async throws {
        let clock = ManualClock(wall: WallTime(timeIntervalSince1970: 86_400), boot: 5, bootID: "boot-A", synchronized: false)
        let harness = try EngineHarness(clock: clock)
        await harness.provider.failDeviceCodes([.network(NetworkFault(.clockNotSet, "this clock reads 1970-01-02"))])
        await harness.provider.holdCodes(true)
        try await harness.start()
        await harness.engine.pair()
        try await until("the first request failed") { await harness.provider.deviceCodeRequests == 1 }
        // NTP sets the clock: the retry goes out a second later (PairingMachine.clockRetrySeconds).
        clock.setWall(Fixtures.now)
        try await until("the retry is planned") { harness.clock.sleepers.contains { abs($0 - 6) < 0.01 } }
        clock.advance(by: 1)
        try await until("the retry went out") { await harness.provider.heldCodeCount == 1 }
        // Set again while that request is on the wire: no second request beside it, and none planned.
        let stepsSeen = harness.log.all.filter { $0.contains("the wall clock was set") }.count
        clock.setWall(Fixtures.now.addingTimeInterval(1))
        try await until("the engine took the second step") { harness.log.all.filter { $0.contains("the wall clock was set") }.count > stepsSeen }
        #expect(await harness.provider.deviceCodeRequests == 2)
        #expect(!harness.clock.sleepers.contains { abs($0 - 7) < 0.01 }, "a retry planned beside the request on the wire")
        await harness.provider.releaseDeviceCodes()
        try await until("the code arrived") { await harness.snapshot.userCode == "123456" }
        #expect(await harness.provider.deviceCodeRequests == 2)
        await harness.triggerStop()
        #expect(await harness.stopped())
    }

    @Test("A wall clock set a year ahead neither expires the token nor moves the refresh; shown times follow it")
    func jumpAhead() async throws {
        let harness = try EngineHarness(stored: Fixtures.grant(lifetime: 3600))
        try await harness.start()
        let before = try #require(await harness.snapshot.tokenExpiresAt)
        harness.clock.setWall(Fixtures.now.addingTimeInterval(Self.year))
        try await until("the expiry is shown on the new wall clock") {
            await harness.snapshot.tokenExpiresAt == before.addingTimeInterval(Self.year)
        }
        let token = try await harness.engine.token(minValidSeconds: 3000)
        #expect(token.accessToken == "AT-1", "still valid: 3600 s on the boot clock")
        #expect(await harness.provider.refreshes == 0)
        #expect(try harness.store.load()?.accessExpiresAt == before.addingTimeInterval(Self.year), "stored re-anchored")
        // The refresh still comes at 75 % of the lifetime on the boot clock.
        harness.clock.advance(by: 2800)
        try await until("the refresh went out") { await harness.provider.refreshes == 1 }
        await harness.triggerStop()
        #expect(await harness.stopped())
    }

    @Test("A wall clock set back does not make a dead token look alive")
    func jumpBack() async throws {
        let harness = try EngineHarness(stored: Fixtures.grant(lifetime: 3600))
        await harness.provider.hold(true)
        try await harness.start()
        harness.clock.setWall(Fixtures.now.addingTimeInterval(-Self.year))
        harness.clock.advance(by: 3700)
        try await until("the refresh is on the wire") { await harness.provider.heldCount == 1 }
        // The token died on the boot clock: a caller waits for the refresh rather than getting it.
        let caller = Task { try await harness.engine.token() }
        try await until("the caller waits") { await harness.engine.tokenWaiters.count == 1 }
        await harness.provider.release()
        #expect(try await caller.value.accessToken == "AT-2")
        await harness.triggerStop()
        #expect(await harness.stopped())
    }

    @Test("A suspend counts as time passing: the refresh is due on waking")
    func suspend() async throws {
        let harness = try EngineHarness(stored: Fixtures.grant(lifetime: 3600))
        try await harness.start()
        harness.clock.advance(by: 3 * 3600)  // the boot clock counts the hours asleep
        try await until("the refresh went out") { await harness.provider.refreshes == 1 }
        #expect(try await harness.engine.token().accessToken == "AT-2")
        await harness.triggerStop()
        #expect(await harness.stopped())
    }

    @Test("After a reboot with a synchronized clock, stored tokens are aged by the wall clock and placed on the new boot's clock")
    func rebootSynchronized() async throws {
        let stored = Fixtures.grant(lifetime: 3600)
        let clock = ManualClock(wall: Fixtures.now.addingTimeInterval(600), boot: 20, bootID: "boot-B", synchronized: true)
        let harness = try EngineHarness(stored: stored, clock: clock)
        try await harness.start()
        #expect(try await harness.engine.token().accessToken == "AT-1")
        #expect(await harness.provider.refreshes == 0)
        let placed = try #require(try harness.store.load()?.obtainedBoot)
        #expect(placed == BootInstant(bootID: "boot-B", seconds: 20 - 600))
        // 72.5 % (75 % less half the jitter) of 3600 s after it was obtained, 600 s ago.
        clock.advance(by: 2000)
        #expect(await harness.provider.refreshes == 0)
        clock.advance(by: 10)
        try await until("the refresh went out") { await harness.provider.refreshes == 1 }
        await harness.triggerStop()
        #expect(await harness.stopped())
    }
}

// SPDX-License-Identifier: Apache-2.0
import ControlProtocol
import FakeProvider
import Foundation
import TestSupport
import Testing

/// SIGTERM with a refresh on the wire, and unpair racing a refresh: the real
/// binary against the fake, whose token endpoint answers late or never.
@Suite("deviceauthd stopping and unpairing during a refresh", .serialized)
struct DaemonStopTests {
    /// Pairs, then starts a refresh (deviceauthctl refresh) that the fault holds up.
    func refreshInFlight(_ daemon: DaemonFixture, fault: String) async throws -> Task<ControlReply<StatusResult>?, Never> {
        _ = try #require(try await daemon.pair())
        try await daemon.fake.control("faults", fault)
        let caller = Task { try? await daemon.call(ControlRequest(RefreshMethod.self), timeout: 60) }
        _ = try await daemon.waitForStats(seconds: 10) { $0.faultsInjected >= 1 }
        return caller
    }

    @Test("SIGTERM the moment the daemon has said it starts (signals blocked, not yet watched) stops it with 0, on either executor",
          .timeLimit(.minutes(1)), arguments: 1...5)
    func termAtStart(round: Int) async throws {
        try await withFakeProvider(realTime: true, { $0.pollingInterval = 1 }) { fake in
            let daemon = try DaemonFixture(fake: fake)
            try daemon.start()
            let process = try #require(daemon.daemon)
            // The signal lands while SIGTERM is blocked and before (or while) the watch is set up:
            // on Swift's executors, ignoring it there (as libdispatch's sources need) discarded it.
            #expect(await process.waitForOutput("starting: ", seconds: 10), "\(process.output)")
            process.signal(SIGTERM)
            #expect(await process.waitForExit(seconds: 10) == 0, "round \(round): \(process.output.suffix(2000))")
        }
    }

    @Test("An answer that lands within the grace is committed: the restart is authorized without a new code", .timeLimit(.minutes(1)))
    func slowAnswerLands() async throws {
        try await withFakeProvider(realTime: true, { $0.pollingInterval = 1 }) { fake in
            let daemon = try DaemonFixture(fake: fake)
            let caller = try await refreshInFlight(daemon, fault: #"{"endpoint": "token", "mode": "delay_after_commit", "delay_ms": 800}"#)
            #expect(try await fake.stats().refreshes == 1, "the provider rotated the tokens; the answer is on its way")
            let stop = await daemon.stop()
            #expect(stop.status == 0)
            #expect(stop.seconds < 5, "took \(stop.seconds) s")  // under the 5 s backstop: the answer landed in the grace
            _ = await caller.value
            let before = daemon.notify.assignments.count
            try daemon.start()
            #expect(await daemon.notify.waitStatus("authorized: ", seconds: 20, after: before) != nil)
            let stats = try await fake.stats()
            #expect(stats.refreshReuse == 0, "the rotated pair was committed before the daemon stopped")
            #expect(stats.deviceCodes == 1)
            let final = await daemon.stop()
            #expect(final.status == 0, "\(daemon.output.suffix(3000))")
            #expect(daemon.leakedSecrets.isEmpty)
        }
    }

    @Test("A slow or silent server: the stop is bounded, exits 0, and keeps the tokens it had", .timeLimit(.minutes(1)), arguments: [
        #"{"endpoint": "token", "mode": "delay", "delay_ms": 25000}"#,
        #"{"endpoint": "token", "mode": "hang"}"#,
    ])
    func boundedStop(_ fault: String) async throws {
        try await withFakeProvider(realTime: true, { $0.pollingInterval = 1 }) { fake in
            let daemon = try DaemonFixture(fake: fake)
            let caller = try await refreshInFlight(daemon, fault: fault)
            let stop = await daemon.stop()
            #expect(stop.status == 0)
            // 1.5 s of grace, then the request is cancelled: under the service group's 5 s backstop
            // (which would end it otherwise), far inside TimeoutStopSec=10. Slack for a loaded machine.
            #expect(stop.seconds < 5, "took \(stop.seconds) s")
            #expect(daemon.output.contains("stopping with a refresh still unanswered"))
            let answer = await caller.value
            let served = answer?.ok == true  // a failure must not print the reply (it would hold a token)
            #expect(!served, "the caller was told, not left hanging")
            // Nothing had been rotated: the restart is authorized with the stored pair.
            let before = daemon.notify.assignments.count
            try daemon.start()
            #expect(await daemon.notify.waitStatus("authorized: ", seconds: 20, after: before) != nil)
            #expect(try await fake.stats().deviceCodes == 1)
            #expect(await daemon.stop().status == 0)
        }
    }

    @Test("Unpair while a refresh is on the wire: the late pair is revoked too, nothing stays live at the provider", .timeLimit(.minutes(1)))
    func unpairDuringRefresh() async throws {
        try await withFakeProvider(realTime: true, { $0.pollingInterval = 1 }) { fake in
            let daemon = try DaemonFixture(fake: fake)
            let caller = try await refreshInFlight(daemon, fault: #"{"endpoint": "token", "mode": "delay_after_commit", "delay_ms": 1500}"#)
            #expect(try await fake.stats().refreshes == 1)
            let unpaired = try await daemon.ctl(["unpair"])
            #expect(unpaired.status == 0)
            _ = await caller.value
            let stats = try await daemon.waitForStats(seconds: 10) { $0.liveAuthorizations == 0 }
            #expect(stats.liveAuthorizations == 0, "the pair the late answer brought is still live")
            #expect(try await daemon.call(ControlRequest(StatusMethod.self)).result?.status.state == "unpaired")
            #expect(daemon.output.contains("a refresh was answered after its authorization was dropped: revoking the new tokens"))
            #expect(await daemon.stop().status == 0)
            #expect(daemon.leakedSecrets.isEmpty)
        }
    }
}

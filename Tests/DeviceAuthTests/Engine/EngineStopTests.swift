// SPDX-License-Identifier: Apache-2.0
@testable import DeviceAuth
import Foundation
import Testing

/// SIGTERM's path in process: a refresh in flight gets a bounded grace, on the
/// driven clock, then everything outstanding is cancelled.
@Suite("Engine: stopping within a bound")
struct EngineStopTests {
    @Test("A slow refresh that answers within the grace is committed, then the engine stops")
    func slowRefreshLands() async throws {
        // Past the planned refresh (75 % of 3600 s, less jitter): the refresh goes out and hangs.
        let harness = try await EngineHarness.withRefreshOnTheWire()
        await harness.triggerStop()
        try await harness.untilGraceRuns()
        #expect(await harness.stopped(within: 0.2) == false, "the engine waits for the refresh in flight")
        await harness.provider.release()
        #expect(await harness.stopped())
        let saved = try #require(try harness.store.load())
        #expect(saved.refreshToken == "RT-2", "the rotated pair was committed before stopping")
        #expect(await harness.provider.cancelledCalls == 0)
    }

    @Test("A refresh that never answers is cancelled when the grace ends; the old tokens stay")
    func hungRefreshCancelled() async throws {
        let harness = try await EngineHarness.withRefreshOnTheWire()
        await harness.triggerStop()
        try await harness.untilGraceRuns()
        harness.clock.advance(by: 1.4)
        #expect(await harness.stopped(within: 0.2) == false, "the grace is 1.5 s")
        harness.clock.advance(by: 0.2)
        #expect(await harness.stopped())
        #expect(await harness.provider.cancelledCalls == 1, "the request was cancelled, not awaited")
        #expect(try harness.store.load()?.refreshToken == "RT-1")
        #expect(harness.log.contains("stopping with a refresh still unanswered"))
    }

    @Test("With nothing in flight the engine stops at once, and token callers get an answer")
    func idleStop() async throws {
        let harness = try EngineHarness(stored: Fixtures.grant(lifetime: 3600))
        try await harness.start()
        await harness.triggerStop()
        #expect(await harness.stopped())
        harness.clock.advance(by: 60)
        await #expect(throws: TokenUnavailable.self) { try await harness.engine.token(minValidSeconds: 3590) }
    }
}

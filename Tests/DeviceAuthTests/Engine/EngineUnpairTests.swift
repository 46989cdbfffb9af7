// SPDX-License-Identifier: Apache-2.0
@testable import DeviceAuth
import Foundation
import Testing

/// No live authorization left behind, and one refresh shared by every caller.
@Suite("Engine: unpair races and the shared refresh")
struct EngineUnpairTests {
    @Test("Unpair during a refresh revokes the old pair and, when the refresh answers, the new one; nothing is stored")
    func unpairDuringRefresh() async throws {
        let harness = try await EngineHarness.withRefreshOnTheWire()
        let outcome = await harness.engine.unpair()
        #expect(outcome == .revoked)
        #expect(await harness.provider.revoked == ["AT-1"])
        #expect(try harness.store.load() == nil)
        await harness.provider.release()
        try await until("the late pair is revoked too") { await harness.provider.revoked.count == 2 }
        #expect(await harness.provider.revoked == ["AT-1", "AT-2"])
        #expect(try harness.store.load() == nil, "the late pair was never stored")
        #expect(await harness.snapshot.state == "unpaired")
        #expect(harness.log.contains("a refresh was answered after its authorization was dropped: revoking the new tokens"))
        await harness.triggerStop()
        #expect(await harness.stopped())
    }

    @Test("Callers asking for a fresher token at once share one refresh")
    func sharedRefresh() async throws {
        let harness = try EngineHarness(stored: Fixtures.grant(lifetime: 3600))
        await harness.provider.hold(true)
        try await harness.start()
        harness.clock.advance(by: 60)
        let callers = (0..<16).map { _ in Task { try await harness.engine.token(minValidSeconds: 3590) } }
        try await until("all callers wait") { await harness.engine.tokenWaiters.count == 16 }
        await harness.provider.release()
        var tokens: Set<String> = []
        for caller in callers { tokens.insert(try await caller.value.accessToken) }
        #expect(tokens == ["AT-2"])
        #expect(await harness.provider.refreshes == 1)
        await harness.triggerStop()
        #expect(await harness.stopped())
    }

    @Test("A save that fails is retried on the driven clock until it lands; the tokens are used meanwhile")
    func persistRetry() async throws {
        let harness = try EngineHarness(stored: Fixtures.grant(lifetime: 3600))
        try await harness.start()
        harness.faults.failSaves(true)
        harness.clock.advance(by: 60)
        #expect(try await harness.engine.token(minValidSeconds: 3590).accessToken == "AT-2")
        try await until("the failure is reported") { harness.log.contains("keeping the tokens in memory and retrying in 30 s") }
        #expect(try harness.store.load()?.refreshToken == "RT-1")
        harness.faults.failSaves(false)
        harness.clock.advance(by: 29)
        #expect(!harness.log.contains("the tokens are saved again"))
        harness.clock.advance(by: 1)
        try await until("the retry saved them") { harness.log.contains("the tokens are saved again") }
        #expect(try harness.store.load()?.refreshToken == "RT-2")
        await harness.triggerStop()
        #expect(await harness.stopped())
    }
}

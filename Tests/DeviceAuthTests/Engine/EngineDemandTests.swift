// SPDX-License-Identifier: Apache-2.0
@testable import DeviceAuth
import Foundation
import TestSupport
import Testing

/// Callers cannot make the daemon hammer the provider: however often and however
/// greedily they ask, refreshes follow the lifecycle and the backoff.
@Suite("Engine: callers' demand does not drive the provider")
struct EngineDemandTests {
    @Test("A caller asking more than any token lives is served the held token, never a refresh")
    func beyondAnyLifetime() async throws {
        let harness = try EngineHarness(stored: Fixtures.grant(lifetime: 3600))
        try await harness.start()
        for _ in 0..<1000 {
            #expect(try await harness.engine.token(minValidSeconds: 99_999_999).accessToken == "AT-1")
        }
        #expect(await harness.provider.refreshes == 0)
        await harness.triggerStop()
        #expect(await harness.stopped())
    }

    @Test("A caller that comes before the engine has read the store (the request that started the daemon through socket activation) gets the stored token, and status the stored state, not unpaired")
    func callerBeforeTheStoreIsRead() async throws {
        let harness = try EngineHarness(stored: Fixtures.grant(lifetime: 3600))
        let token = Task { try await harness.engine.token().accessToken }
        let status = Task { await harness.engine.snapshot.state }
        try await until("both wait for the store") { await harness.engine.loadWaiters.count == 2 }
        try await harness.start()
        #expect(try await token.value == "AT-1")
        #expect(await status.value == "authorized")
        #expect(await harness.provider.refreshes == 0)
        await harness.triggerStop()
        #expect(await harness.stopped())
    }

    @Test("Asking for almost a whole lifetime refreshes at most once a minute, and devices/me is asked once per pairing")
    func nearlyAWholeLifetime() async throws {
        let harness = try EngineHarness(stored: Fixtures.grant(lifetime: 3600))
        try await harness.start()
        try await until("the project is known") { await harness.engine.snapshot.project == "Testbed" }
        var served: [String] = []
        // Ten minutes of a caller asking every second for 3599 s of validity.
        for _ in 0..<600 {
            served.append(try await harness.engine.token(minValidSeconds: 3599).accessToken)
            harness.clock.advance(by: 1)
        }
        let refreshes = await harness.provider.refreshes
        #expect(refreshes >= 9 && refreshes <= 10, "\(refreshes) refreshes in 10 minutes")
        #expect(Set(served).count == refreshes + 1)
        let deviceInfos = await harness.provider.calls.filter { $0 == .deviceInfo }.count
        #expect(deviceInfos == 1, "the project does not change with a refresh: \(deviceInfos) devices/me calls")
        await harness.triggerStop()
        #expect(await harness.stopped())
    }

    @Test("While backing off after a 429, callers join the wait: no request until the planned retry")
    func joinsTheBackoff() async throws {
        let harness = try EngineHarness(stored: Fixtures.grant(lifetime: 3600))
        await harness.provider.answerRefreshes([.failure(.rateLimited(retryAfterSeconds: 600))])
        try await harness.start()
        harness.clock.advance(by: 120)
        // The first caller's refresh meets the 429 and is told so.
        await #expect(throws: TokenUnavailable.self) { try await harness.engine.token(minValidSeconds: 3590) }
        #expect(await harness.provider.refreshes == 1)
        // Everyone after it gets the held token (still valid) at once, and nothing goes out.
        for _ in 0..<1000 {
            #expect(try await harness.engine.token(minValidSeconds: 3590).accessToken == "AT-1")
        }
        #expect(await harness.provider.refreshes == 1)
        // The retry comes when the backoff says (Retry-After, capped at MaxRetrySec=300), not sooner.
        harness.clock.advance(by: 299)
        #expect(await harness.provider.refreshes == 1)
        harness.clock.advance(by: 1)
        try await until("the planned retry") { await harness.provider.refreshes == 2 }
        try await until("authorized again") { await harness.engine.snapshot.state == "authorized" }
        #expect(try await harness.engine.token(minValidSeconds: 3590).accessToken == "AT-2")
        await harness.triggerStop()
        #expect(await harness.stopped())
    }

    @Test("Without a refresh token a demanding caller is served what there is; the authorization is not dropped")
    func noRefreshToken() async throws {
        let harness = try EngineHarness(stored: Fixtures.grant(lifetime: 3600, refresh: nil))
        try await harness.start()
        harness.clock.advance(by: 600)
        #expect(try await harness.engine.token(minValidSeconds: 3590).accessToken == "AT-1")
        #expect(await harness.engine.snapshot.state == "authorized")
        await harness.triggerStop()
        #expect(await harness.stopped())
    }

    @Test("The decision, case by case", arguments: [
        // (min_valid, age of the held token, failures of a refresh under way or nil when authorized, expected)
        (0.0, 100.0, nil as Int?, TokenDemand.serve),
        (3500, 200, nil, .refresh),
        (3590, 30, nil, .serve),       // refreshed moments ago
        (4000, 3000, nil, .serve),     // more than a fresh token lives
        (3590, 3700, nil, .refresh),   // expired
        (3590, 200, 0, .refresh),      // join the refresh in flight
        (3590, 200, 2, .serve),        // backing off, the held token still valid
        (3590, 3700, 2, .fail("backing off")),
    ])
    func decision(minValid: Double, age: Double, failures: Int?, expected: TokenDemand) {
        let grant = Fixtures.grant(obtainedAt: Fixtures.now.addingTimeInterval(-age), lifetime: 3600)
        var authorized = PairingState.Authorized(grant: grant)
        authorized.lastProblem = "backing off"
        let state: PairingState = failures.map { .refreshing(authorized, failures: $0) } ?? .authorized(authorized)
        #expect(TokenDemand.decide(state, minValid: minValid, now: Fixtures.moment()) == expected)
    }
}

// SPDX-License-Identifier: Apache-2.0
@testable import DeviceAuth
import OAuthProvider
import Foundation
import TestSupport
import Testing

/// A 401 from the provider to a forwarded request proves the token bad: one refresh
/// for every caller, never in a backoff, at most one a minute.
@Suite("Engine: a token the provider refused")
struct EngineRejectionTests {
    @Test("The decision, case by case", arguments: [
        // (token the 401 was for, failures of a refresh under way or nil when authorized, seconds since the last 401 refresh, expected)
        ("AT-1", nil as Int?, nil as Double?, TokenDemand.refresh),   // a young token refused: refreshed all the same
        ("AT-0", nil, nil, .serve),                                    // already replaced: the new one
        ("AT-1", 0, nil, .refresh),                                    // join the refresh in flight
        ("AT-1", 2, nil, .fail("backing off")),                        // never cuts a backoff short
        ("AT-1", nil, 30, .fail("the provider refused a token refreshed less than a minute ago after another refusal; not refreshing again yet")),
        ("AT-1", nil, 61, .refresh),
    ])
    func decision(rejected: String, failures: Int?, sinceLast: Double?, expected: TokenDemand) {
        var authorized = PairingState.Authorized(grant: Fixtures.grant(obtainedAt: Fixtures.now.addingTimeInterval(-10), lifetime: 3600))
        authorized.lastProblem = "backing off"
        let state: PairingState = failures.map { .refreshing(authorized, failures: $0) } ?? .authorized(authorized)
        let last = sinceLast.map { Fixtures.moment().boot.seconds - $0 }
        #expect(TokenDemand.afterRejection(state, rejected: rejected, lastRejectionRefresh: last, now: Fixtures.moment()) == expected)
    }

    @Test("Without a refresh token a refused token cannot be replaced; unpaired, there is none")
    func nothingToRefreshWith() {
        let state = PairingState.authorized(.init(grant: Fixtures.grant(refresh: nil)))
        #expect(TokenDemand.afterRejection(state, rejected: "AT-1", lastRejectionRefresh: nil, now: Fixtures.moment())
                == .fail("the provider refused the access token and there is no refresh token: the device must log in again"))
        #expect(TokenDemand.afterRejection(Fixtures.unpaired, rejected: "AT-1", lastRejectionRefresh: nil, now: Fixtures.moment()) == .fail("the device is not paired"))
    }

    @Test("Ten callers refused together cost one refresh, each gets the new token; a second refusal within the minute costs none")
    func oneRefreshForAll() async throws {
        let harness = try EngineHarness(stored: Fixtures.grant(lifetime: 3600))
        try await harness.start()
        let old = try await harness.engine.token().accessToken
        let tokens = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<10 { group.addTask { try await harness.engine.tokenRejected(old).accessToken } }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(await harness.provider.refreshes == 1)
        #expect(Set(tokens).count == 1 && tokens[0] != old)
        // The new token refused at once too: the 401 goes back, no second refresh.
        await #expect(throws: TokenUnavailable.self) { _ = try await harness.engine.tokenRejected(tokens[0]) }
        #expect(await harness.provider.refreshes == 1)
        #expect(harness.log.contains("the provider refused the access token (HTTP 401 to a forwarded request): refreshing"))
        await harness.triggerStop()
        #expect(await harness.stopped())
    }
}

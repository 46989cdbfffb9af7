// SPDX-License-Identifier: Apache-2.0
@testable import OAuthProvider
import Foundation
import Testing

/// RFC 7009 §2.2.1: a provider that is unavailable for now still holds the token, so the
/// revocation is asked again at the time it names; what cannot help is not retried.
@Suite("Engine: revocation answers")
struct EngineRevocationTests {
    func paired() async throws -> EngineHarness {
        let harness = try EngineHarness(stored: Fixtures.grant(lifetime: 3600))
        try await harness.start()
        return harness
    }

    @Test("503 with a short Retry-After: asked again at that time, and the unpair hears revoked; STATUS says so")
    func shortRetryAfter() async throws {
        let harness = try await paired()
        await harness.provider.failRevocations([.unavailable(retryAfterSeconds: 3)])
        let unpair = Task { await harness.engine.unpair(revokeWait: .seconds(10)) }
        let retryAt = harness.clock.now().boot.seconds + 3
        try await until("the first attempt failed and the retry sleeps") { harness.clock.sleepers.contains { abs($0 - retryAt) < 0.01 } }
        harness.clock.advance(by: 2.9)
        #expect(await harness.provider.revoked.count == 1, "not before the provider's time")
        harness.clock.advance(by: 0.1)
        #expect(await unpair.value == .revoked)
        #expect(await harness.provider.revoked == ["AT-1", "AT-1"])
        #expect(harness.log.contains("could not revoke the authorization at the provider yet: HTTP 503 (the provider is unavailable for now), asked to wait 3 s; tried again in 3 s"))
        #expect(await harness.engine.state.statusLine() == "unpaired: unpaired on request; the authorization was revoked at the provider")
        await harness.triggerStop()
        #expect(await harness.stopped())
    }

    @Test("A long Retry-After: the unpair hears at once that it goes on in the background; a later success reaches STATUS")
    func longRetryAfter() async throws {
        let harness = try await paired()
        await harness.provider.failRevocations([.unavailable(retryAfterSeconds: 600), .rateLimited(retryAfterSeconds: nil)])
        let outcome = await harness.engine.unpair(revokeWait: .seconds(10))
        #expect(outcome == .notRevoked("HTTP 503 (the provider is unavailable for now), asked to wait 600 s; tried again in 300 s, in the background"))
        #expect(outcome.wireName == "not_revoked")
        #expect(await harness.engine.state.statusLine().contains("could not be told (HTTP 503"))
        let retryAt = harness.clock.now().boot.seconds + 300
        try await until("the retry sleeps") { harness.clock.sleepers.contains { abs($0 - retryAt) < 0.01 } }
        harness.clock.advance(by: 300)
        try await until("the second attempt failed too") { await harness.provider.revoked.count == 2 }
        // A 429 without a wait: 4 s (2, 4, 8 after the first, second, third failure).
        try await until("the third attempt is planned") { harness.clock.sleepers.contains { abs($0 - retryAt - 4) < 0.01 } }
        #expect(harness.log.contains("rate limited (HTTP 429); tried again in 4 s"))
        harness.clock.advance(by: 4)
        try await until("the third attempt revoked") { await harness.engine.state.statusLine().hasSuffix("the authorization was revoked at the provider") }
        #expect(await harness.provider.revoked.count == 3)
        await harness.triggerStop()
        #expect(await harness.stopped())
    }

    @Test("What asking again cannot cure is not retried: unsupported_token_type, invalid_client, 500, after three retries", arguments: [
        ([OAuthFailure.refused(ServerError("unsupported_token_type"))], "the provider does not revoke this kind of token (unsupported_token_type)", 1),
        ([.clientRejected(ServerError("invalid_client", text: "Client authentication failed"))], "the provider refused our client credentials (invalid_client: \"Client authentication failed\")", 1),
        ([.httpStatus(500)], "HTTP 500", 1),
        (Array(repeating: .unavailable(retryAfterSeconds: 1), count: 4), "HTTP 503 (the provider is unavailable for now), asked to wait 1 s", 4),
    ])
    func notRetried(failures: [OAuthFailure], reason: String, attempts: Int) async throws {
        let harness = try await paired()
        await harness.provider.failRevocations(failures)
        let unpair = Task { await harness.engine.unpair(revokeWait: .seconds(10)) }
        for attempt in 1..<attempts {
            let retryAt = harness.clock.now().boot.seconds + 1
            try await until("attempt \(attempt) failed") { harness.clock.sleepers.contains { abs($0 - retryAt) < 0.01 } }
            harness.clock.advance(by: 1)
        }
        #expect(await unpair.value == .notRevoked(reason))
        #expect(await harness.provider.revoked.count == attempts)
        #expect(harness.log.contains("could not revoke the authorization at the provider: \(reason)"))
        await harness.triggerStop()
        #expect(await harness.stopped())
    }
}

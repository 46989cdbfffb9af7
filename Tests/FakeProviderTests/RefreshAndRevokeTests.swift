// SPDX-License-Identifier: Apache-2.0
import FakeProvider
import TestSupport
import Testing

@Suite("Refresh, rotation, reuse and revoke")
struct RefreshAndRevokeTests {
    @Test("A refresh rotates both tokens; the old ones stop working")
    func rotation() async throws {
        try await withFakeProvider { fake in
            let first = try await fake.pair()
            let refreshed = try await fake.refresh(try #require(first.refresh))
            #expect(refreshed.status == 200)
            let access = try #require(refreshed.string("access_token"))
            let refresh = try #require(refreshed.string("refresh_token"))
            #expect(access != first.access)
            #expect(refresh != first.refresh)
            #expect(try await fake.get("/v2/devices/me", bearer: first.access).status == 401)
            #expect(try await fake.get("/v2/devices/me", bearer: access).status == 200)
            let stats = try await fake.stats()
            #expect(stats.refreshes == 1)
            #expect(stats.tokensIssued == 2)
            #expect(stats.refreshReuse == 0)
        }
    }

    @Test("A rotated refresh token presented again is invalid_request and counted as reuse")
    func reuse() async throws {
        try await withFakeProvider { fake in
            let first = try await fake.pair()
            let old = try #require(first.refresh)
            let second = try await fake.refresh(old)
            let reused = try await fake.refresh(old)
            #expect(reused.status == 400)
            #expect(reused.oauthError == "invalid_request")
            #expect(try await fake.stats().refreshReuse == 1)
            // Reuse does not kill the live pair.
            #expect(try await fake.refresh(try #require(second.string("refresh_token"))).status == 200)
        }
    }

    @Test("Refresh requires client_id, client_secret and refresh_token, and the right secret")
    func refreshValidation() async throws {
        try await withFakeProvider { fake in
            let pair = try await fake.pair()
            let refresh = try #require(pair.refresh)
            let base = [("client_id", FakeHarness.clientID), ("client_secret", fake.secret),
                        ("grant_type", "refresh_token"), ("refresh_token", refresh)]
            for missing in ["client_id", "client_secret", "refresh_token"] {
                let response = try await fake.postForm("/v2/auth/token", base.filter { $0.0 != missing })
                #expect(response.oauthError == "invalid_request", "without \(missing)")
            }
            let wrongSecret = base.map { $0.0 == "client_secret" ? ($0.0, "wrong") : $0 }
            #expect(try await fake.postForm("/v2/auth/token", wrongSecret).oauthError == "invalid_client")
            #expect(try await fake.refresh("FAKERT_unknown").oauthError == "invalid_grant")
            #expect(try await fake.refresh(refresh, clientID: "another-camera").oauthError == "invalid_grant")
            // None of that consumed the token.
            #expect(try await fake.refresh(refresh).status == 200)
        }
    }

    @Test("A refresh token past its lifetime is invalid_grant")
    func refreshTokenExpiry() async throws {
        try await withFakeProvider({ $0.refreshTokenLifetime = 3600 }) { fake in
            let pair = try await fake.pair()
            fake.clock.advance(by: 3600)
            #expect(try await fake.refresh(try #require(pair.refresh)).oauthError == "invalid_grant")
        }
    }

    @Test("Revoke answers {\"success\": true}; then refresh and every Bearer call are 401 Not Authorized")
    func revokeThen401() async throws {
        try await withFakeProvider { fake in
            let pair = try await fake.pair()
            let refresh = try #require(pair.refresh)
            let revoked = try await fake.revoke(refresh)
            #expect(revoked.status == 200)
            #expect(revoked.json?["success"] as? Bool == true)

            let refreshAfter = try await fake.refresh(refresh)
            #expect(refreshAfter.status == 401)
            #expect(refreshAfter.string("message") == "Not Authorized")
            #expect(refreshAfter.int("code") == 401)
            let errors = try #require(refreshAfter.json?["errors"] as? [[String: Any]])
            #expect(errors.first?["title"] as? String == "Not Authorized")
            #expect(errors.first?["detail"] as? String == "You are not allowed to access that resource")

            #expect(try await fake.get("/v2/devices/me", bearer: pair.access).status == 401)
            #expect(try await fake.send(.POST, "/v2/devices/heartbeat",
                                        headers: FakeHarness.defaultHeaders + [("authorization", "Bearer \(pair.access)")]).status == 401)
            let stats = try await fake.stats()
            #expect(stats.revocations == 1)
            #expect(stats.refreshReuse == 0)
        }
    }

    @Test("Revoking by access token works too; an unknown token is still 200 (RFC 7009)")
    func revokeVariants() async throws {
        try await withFakeProvider { fake in
            let pair = try await fake.pair()
            #expect(try await fake.revoke(pair.access).status == 200)
            #expect(try await fake.refresh(try #require(pair.refresh)).status == 401)
            #expect(try await fake.revoke("FAKERT_never-issued").status == 200)
            #expect(try await fake.stats().revocations == 1)
        }
    }

    @Test("Revoke needs the client's credentials")
    func revokeValidation() async throws {
        try await withFakeProvider { fake in
            let pair = try await fake.pair()
            let refresh = try #require(pair.refresh)
            let wrong = try await fake.postForm("/v2/auth/revoke", [("client_id", FakeHarness.clientID), ("client_secret", "wrong"), ("token", refresh)])
            #expect(wrong.oauthError == "invalid_client")
            let missing = try await fake.postForm("/v2/auth/revoke", [("client_id", FakeHarness.clientID), ("client_secret", fake.secret)])
            #expect(missing.oauthError == "invalid_request")
            #expect(try await fake.refresh(refresh).status == 200)
        }
    }

    @Test("A rotated token of a revoked authorization is 401, not reuse")
    func rotatedTokenAfterRevoke() async throws {
        try await withFakeProvider { fake in
            let pair = try await fake.pair()
            let old = try #require(pair.refresh)
            let new = try #require(try await fake.refresh(old).string("refresh_token"))
            #expect(try await fake.revoke(new).status == 200)
            #expect(try await fake.refresh(old).status == 401)
            #expect(try await fake.stats().refreshReuse == 0)
        }
    }
}

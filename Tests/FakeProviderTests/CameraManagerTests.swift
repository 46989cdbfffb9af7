// SPDX-License-Identifier: Apache-2.0
import FakeProvider
import Foundation
import TestSupport
import Testing

/// The fake's CameraManager endpoints over real loopback HTTP, as its guide describes them.
@Suite("Fake provider: CameraManager")
struct CameraManagerTests {
    static let user = "camera@example.com", password = "FAKEPW_correct-horse-battery"

    func basic(_ fake: FakeHarness, secret: String? = nil) -> [(String, String)] {
        [("authorization", "Basic " + Data("cam-model-1:\(secret ?? fake.secret)".utf8).base64EncodedString()), ("accept", "application/json")]
    }

    @Test("Password login in the form or the query, a refresh that keeps the refresh token, the logout")
    func lifecycle() async throws {
        try await withFakeProvider { fake in
            let login = try await fake.postForm("/oauth/token", [("grant_type", "password"), ("scope", "write"),
                                                                 ("username", Self.user), ("password", Self.password)], headers: basic(fake))
            #expect(login.status == 200 && login.int("expires_in") == 43_199 && login.string("token_type") == "bearer")
            let access = try #require(login.string("access_token")), refresh = try #require(login.string("refresh_token"))
            #expect(access.wholeMatch(of: /[0-9a-f-]{36}:[0-9]+/) != nil && refresh.wholeMatch(of: /[0-9a-f-]{36}:[0-9]+/) != nil)

            let query = formEncode([("grant_type", "password"), ("scope", "write"), ("username", Self.user), ("password", Self.password)])
            let inQuery = try await fake.send(.POST, "/oauth/token?" + query, headers: basic(fake))
            #expect(inQuery.status == 200)

            let refreshed = try await fake.postForm("/oauth/token", [("grant_type", "refresh_token"), ("scope", "write"), ("refresh_token", refresh)],
                                                    headers: basic(fake))
            #expect(refreshed.status == 200 && refreshed.string("refresh_token") == refresh)
            let newAccess = try #require(refreshed.string("access_token"))
            #expect(newAccess != access)

            let logout = try await fake.send(.DELETE, "/rest/v2.0/users/self/tokens/current", headers: [("authorization", "Bearer \(newAccess)")])
            #expect(logout.status == 200)
            let again = try await fake.send(.DELETE, "/rest/v2.0/users/self/tokens/current", headers: [("authorization", "Bearer \(newAccess)")])
            #expect(again.status == 401)
            let dead = try await fake.postForm("/oauth/token", [("grant_type", "refresh_token"), ("refresh_token", refresh)], headers: basic(fake))
            #expect(dead.status == 401 && dead.oauthError == "invalid_token")
            let stats = try await fake.stats()
            #expect(stats.passwordLogins == 2 && stats.refreshes == 1 && stats.logouts == 1)
        }
    }

    @Test("A wrong password, an unknown user, a wrong API key, and no Basic at all")
    func refusals() async throws {
        try await withFakeProvider { fake in
            let wrong = try await fake.postForm("/oauth/token", [("grant_type", "password"), ("username", Self.user), ("password", "nope")],
                                                headers: basic(fake))
            #expect(wrong.status == 400 && wrong.oauthError == "invalid_grant" && wrong.string("error_description") == "Bad credentials")
            let unknown = try await fake.postForm("/oauth/token", [("grant_type", "password"), ("username", "x@example.com"), ("password", Self.password)],
                                                  headers: basic(fake))
            #expect(unknown.oauthError == "invalid_grant")
            let badKey = try await fake.postForm("/oauth/token", [("grant_type", "password"), ("username", Self.user), ("password", Self.password)],
                                                 headers: basic(fake, secret: "wrong"))
            #expect(badKey.status == 401 && badKey.oauthError == "invalid_client")
            let noKey = try await fake.postForm("/oauth/token", [("grant_type", "password"), ("username", Self.user), ("password", Self.password)])
            #expect(noKey.status == 401)
            let stats = try await fake.stats()
            #expect(stats.passwordLogins == 0 && stats.passwordFailures == 2)
        }
    }
}

// SPDX-License-Identifier: Apache-2.0
import FakeProvider
import TestSupport
import Testing

@Suite("Bearer API: /v2/devices/me and /v2/devices/heartbeat")
struct DeviceAPITests {
    @Test("devices/me names the project device")
    func devicesMe() async throws {
        try await withFakeProvider({ $0.projectName = "Night Shoot"; $0.deviceName = "Frameio-A7S" }) { fake in
            let pair = try await fake.pair()
            let response = try await fake.get("/v2/devices/me", bearer: pair.access)
            #expect(response.status == 200)
            #expect(response.string("name") == "Frameio-A7S")
            #expect(response.string("status") == "online")
            let project = try #require(response.json?["project"] as? [String: Any])
            #expect(project["name"] as? String == "Night Shoot")
            #expect(project["id"] as? String == response.string("project_id"))
            let authorization = try #require(response.json?["authorization"] as? [String: Any])
            let scopes = try #require(authorization["scopes"] as? [String: Bool])
            #expect(scopes == ["asset_create": true, "offline": true])
            #expect((authorization["creator"] as? [String: Any])?["name"] as? String == "Test User")
            #expect(authorization["expires_at"] is String)
            #expect(try await fake.stats().devicesMe == 1)
        }
    }

    @Test("Heartbeat answers 204; more than one a minute is counted")
    func heartbeat() async throws {
        try await withFakeProvider { fake in
            let pair = try await fake.pair()
            let headers = FakeHarness.defaultHeaders + [("authorization", "Bearer \(pair.access)")]
            let first = try await fake.send(.POST, "/v2/devices/heartbeat", headers: headers)
            #expect(first.status == 204)
            #expect(first.body.isEmpty)
            fake.clock.advance(by: 120)
            #expect(try await fake.send(.POST, "/v2/devices/heartbeat", headers: headers).status == 204)
            fake.clock.advance(by: 30)
            #expect(try await fake.send(.POST, "/v2/devices/heartbeat", headers: headers).status == 204)
            let stats = try await fake.stats()
            #expect(stats.heartbeats == 3)
            #expect(stats.heartbeatsTooFrequent == 1)
        }
    }

    @Test("No, malformed or unknown Bearer tokens are 401 with the documented body",
          arguments: [nil, "Basic abc", "Bearer", "Bearer FAKEAT_unknown"])
    func badBearer(_ header: String?) async throws {
        try await withFakeProvider { fake in
            let headers = FakeHarness.defaultHeaders + (header.map { [("authorization", $0)] } ?? [])
            let response = try await fake.send(.GET, "/v2/devices/me", headers: headers)
            #expect(response.status == 401)
            #expect(response.string("message") == "Not Authorized")
            #expect(try await fake.stats().rejectedRequests == 1)
        }
    }

    @Test("An access token past its lifetime is 401; the refresh token still works")
    func accessTokenExpiry() async throws {
        try await withFakeProvider({ $0.accessTokenLifetime = 600 }) { fake in
            let pair = try await fake.pair()
            fake.clock.advance(by: 599)
            #expect(try await fake.get("/v2/devices/me", bearer: pair.access).status == 200)
            fake.clock.advance(by: 1)
            let expired = try await fake.get("/v2/devices/me", bearer: pair.access)
            #expect(expired.status == 401)
            #expect(expired.string("message") == "Not Authorized")
            #expect(try await fake.refresh(try #require(pair.refresh)).status == 200)
        }
    }
}

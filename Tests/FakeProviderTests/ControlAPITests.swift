// SPDX-License-Identifier: Apache-2.0
import FakeProvider
import Foundation
import TestSupport
import Testing

/// `/_fake/…`: the interface that tests, benchmarks and the demo drive.
@Suite("Test-control API")
struct ControlAPITests {
    @Test("approve {all: true} approves every pending code; deny {all: true} denies them")
    func decideAll() async throws {
        try await withFakeProvider { fake in
            let first = try await fake.requestDeviceCode()
            let second = try await fake.requestDeviceCode()
            #expect(try await fake.control("approve", #"{"all": true}"#).int("changed") == 2)
            fake.clock.advance(by: 5)
            #expect(try await fake.poll(first).status == 200)
            #expect(try await fake.poll(second).status == 200)
            let third = try await fake.requestDeviceCode()
            #expect(try await fake.control("deny", #"{"all": true}"#).int("changed") == 1)
            fake.clock.advance(by: 5)
            #expect(try await fake.poll(third).oauthError == "access_denied")
            // Nothing pending: all is a no-op, not an error.
            #expect(try await fake.control("approve", #"{"all": true}"#).int("changed") == 0)
        }
    }

    @Test("live-tokens names each live authorization's current access token by its fingerprint, never the token")
    func liveTokens() async throws {
        try await withFakeProvider { fake in
            func live() async throws -> [String] { try await fake.get("/_fake/live-tokens").json?["access_fingerprints"] as? [String] ?? ["?"] }
            #expect(try await live() == [])
            let pair = try await fake.pair()
            let first = try await live()
            #expect(first.count == 1 && first[0].count == 12 && first[0].allSatisfy(\.isHexDigit))
            #expect(try await fake.get("/_fake/live-tokens").text.contains("FAKEAT_") == false)
            #expect(try await fake.refresh(try #require(pair.refresh)).status == 200)
            let rotated = try await live()
            #expect(rotated.count == 1 && rotated != first)
            _ = try await fake.control("revoke-all")
            #expect(try await live() == [])
            #expect(try await fake.stats().liveAuthorizations == 0)
        }
    }

    @Test("approve of an unknown code is 404; a bad body is 400 with a reason",
          arguments: [
            (#"{"user_code": "999999"}"#, 404),
            (#"{"user_code": 123456}"#, 400),
            (#"{}"#, 400),
            (#"{"all": false}"#, 400),
            ("not json", 400),
          ])
    func badDecisions(_ body: String, _ status: Int) async throws {
        try await withFakeProvider { fake in
            let response = try await fake.postJSON("/_fake/approve", body, headers: [])
            #expect(response.status == status)
            #expect(response.string("error")?.isEmpty == false)
        }
    }

    @Test("expire-access: Bearer calls are 401 Not Authorized until the device refreshes")
    func expireAccess() async throws {
        try await withFakeProvider { fake in
            let pair = try await fake.pair()
            #expect(try await fake.control("expire-access").int("expired") == 1)
            let denied = try await fake.get("/v2/devices/me", bearer: pair.access)
            #expect(denied.status == 401)
            let errors = try #require(denied.json?["errors"] as? [[String: Any]])
            #expect(errors.first?["title"] as? String == "Not Authorized")
            let refreshed = try await fake.refresh(try #require(pair.refresh))
            #expect(refreshed.status == 200)
            let access = try #require(refreshed.string("access_token") as String?)
            #expect(try await fake.get("/v2/devices/me", bearer: access).status == 200)
        }
    }

    @Test("revoke-all: refresh and Bearer calls are 401")
    func revokeAll() async throws {
        try await withFakeProvider { fake in
            let pair = try await fake.pair()
            #expect(try await fake.control("revoke-all").int("revoked") == 1)
            #expect(try await fake.refresh(try #require(pair.refresh)).status == 401)
            #expect(try await fake.get("/v2/devices/me", bearer: pair.access).status == 401)
            #expect(try await fake.control("revoke-all").int("revoked") == 0)
        }
    }

    @Test("faults are validated", arguments: [
        #"{"endpoint": "tokens", "mode": "status"}"#,
        #"{"endpoint": "token", "mode": "explode"}"#,
        #"{"endpoint": "token", "mode": "status", "status": 999}"#,
        #"{"endpoint": "token", "mode": "status", "count": 0}"#,
        #"{"endpoint": "token", "mode": "delay", "delay_ms": -1}"#,
        #"{"mode": "status"}"#,
    ])
    func faultValidation(_ body: String) async throws {
        try await withFakeProvider { fake in
            let response = try await fake.postJSON("/_fake/faults", body, headers: [])
            #expect(response.status == 400)
            #expect(response.string("error")?.isEmpty == false)
            #expect(try await fake.stats().faultsInjected == 0)
        }
    }

    @Test("stats carries every documented counter, snake_case, as integers")
    func statsShape() async throws {
        try await withFakeProvider { fake in
            _ = try await fake.pair()
            let stats = try #require(try await fake.send(.GET, "/_fake/stats", headers: []).json)
            for key in ["device_codes", "polls", "slow_downs", "tokens_issued", "refreshes", "refresh_reuse",
                        "revocations", "heartbeats", "devices_me", "rejected_requests"] {
                #expect(stats[key] is Int, "\(key)")
            }
            #expect(stats["device_codes"] as? Int == 1)
            #expect(stats["polls"] as? Int == 1)
            #expect(stats["tokens_issued"] as? Int == 1)
        }
    }
}

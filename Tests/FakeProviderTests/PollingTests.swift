// SPDX-License-Identifier: Apache-2.0
import FakeProvider
import TestSupport
import Testing

@Suite("Polling POST /v2/auth/token with the device-code grant")
struct PollingTests {
    @Test("authorization_pending while nobody has approved, when polled no faster than the interval")
    func pending() async throws {
        try await withFakeProvider { fake in
            let code = try await fake.requestDeviceCode()
            for _ in 0..<3 {
                fake.clock.advance(by: Double(code.interval))
                let response = try await fake.poll(code)
                #expect(response.status == 400)
                #expect(response.oauthError == "authorization_pending")
            }
            let stats = try await fake.stats()
            #expect(stats.polls == 3)
            #expect(stats.slowDowns == 0)
        }
    }

    @Test("slow_down adds 5 s to this code's interval for good, measured from the last poll")
    func slowDownArithmetic() async throws {
        try await withFakeProvider({ $0.pollingInterval = 5 }) { fake in
            let code = try await fake.requestDeviceCode()
            // The first poll must wait the interval too.
            fake.clock.advance(by: 4.9)
            #expect(try await fake.poll(code).oauthError == "slow_down")       // interval now 10
            fake.clock.advance(by: 9.9)
            #expect(try await fake.poll(code).oauthError == "slow_down")       // 9.9 < 10 → interval now 15
            fake.clock.advance(by: 15)
            #expect(try await fake.poll(code).oauthError == "authorization_pending")
            fake.clock.advance(by: 14)
            #expect(try await fake.poll(code).oauthError == "slow_down")       // 14 < 15 → interval now 20
            fake.clock.advance(by: 20)
            #expect(try await fake.poll(code).oauthError == "authorization_pending")
            let stats = try await fake.stats()
            #expect(stats.slowDowns == 3)
            #expect(stats.polls == 5)
        }
    }

    @Test("Each device code keeps its own interval")
    func intervalIsPerCode() async throws {
        try await withFakeProvider { fake in
            let first = try await fake.requestDeviceCode()
            let second = try await fake.requestDeviceCode()
            #expect(try await fake.poll(first).oauthError == "slow_down")
            fake.clock.advance(by: 5)
            #expect(try await fake.poll(first).oauthError == "slow_down")      // first now needs 15 s
            #expect(try await fake.poll(second).oauthError == "authorization_pending")
        }
    }

    @Test("Approval yields a bearer token pair once; the code is then spent")
    func approvalIssuesTokensOnce() async throws {
        try await withFakeProvider({ $0.accessTokenLifetime = 600 }) { fake in
            let code = try await fake.requestDeviceCode()
            try await fake.control("approve", #"{"user_code": "\#(code.userCode)"}"#)
            fake.clock.advance(by: 5)
            let response = try await fake.poll(code)
            #expect(response.status == 200)
            #expect(response.string("access_token")?.isEmpty == false)
            #expect(response.string("refresh_token")?.isEmpty == false)
            #expect(response.string("token_type") == "bearer")
            #expect(response.int("expires_in") == 600)
            #expect(response.header("cache-control") == "no-store")
            fake.clock.advance(by: 5)
            #expect(try await fake.poll(code).oauthError == "invalid_grant")
            #expect(try await fake.stats().tokensIssued == 1)
        }
    }

    @Test("Without the offline scope no refresh token is issued")
    func noOfflineNoRefreshToken() async throws {
        try await withFakeProvider { fake in
            let pair = try await fake.pair(scope: "asset_create")
            #expect(pair.refresh == nil)
            #expect(try await fake.get("/v2/devices/me", bearer: pair.access).status == 200)
        }
    }

    @Test("A code past its expires_in answers expired_token")
    func expiredCode() async throws {
        try await withFakeProvider({ $0.deviceCodeLifetime = 120 }) { fake in
            let code = try await fake.requestDeviceCode()
            fake.clock.advance(by: 60)
            #expect(try await fake.poll(code).oauthError == "authorization_pending")
            fake.clock.advance(by: 60)
            #expect(try await fake.poll(code).oauthError == "expired_token")
            // An expired code cannot be approved any more either.
            let approve = try await fake.postJSON("/_fake/approve", #"{"user_code": "\#(code.userCode)"}"#, headers: [])
            #expect(approve.status == 404)
        }
    }

    @Test("Denial answers access_denied, once")
    func denied() async throws {
        try await withFakeProvider { fake in
            let code = try await fake.requestDeviceCode()
            try await fake.control("deny", #"{"user_code": "\#(code.userCode)"}"#)
            fake.clock.advance(by: 5)
            #expect(try await fake.poll(code).oauthError == "access_denied")
            fake.clock.advance(by: 5)
            #expect(try await fake.poll(code).oauthError == "invalid_grant")
        }
    }

    @Test("An unknown device code, or another client's, is invalid_grant")
    func unknownOrForeignCode() async throws {
        try await withFakeProvider { fake in
            let code = try await fake.requestDeviceCode()
            fake.clock.advance(by: 5)
            let unknown = FakeHarness.DeviceCode(deviceCode: "no-such-code", userCode: "000000", interval: 5, expiresIn: 120)
            #expect(try await fake.poll(unknown).oauthError == "invalid_grant")
            #expect(try await fake.poll(code, clientID: "another-camera").oauthError == "invalid_grant")
        }
    }

    @Test("A wrong client_secret on a poll is invalid_client; an absent one is allowed")
    func pollSecret() async throws {
        try await withFakeProvider { fake in
            let code = try await fake.requestDeviceCode()
            fake.clock.advance(by: 5)
            #expect(try await fake.poll(code, secret: "wrong").oauthError == "invalid_client")
            fake.clock.advance(by: 5)
            let withoutSecret = try await fake.postForm("/v2/auth/token", [
                ("client_id", FakeHarness.clientID), ("device_code", code.deviceCode),
                ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
            ])
            #expect(withoutSecret.oauthError == "authorization_pending")
        }
    }

    @Test("Missing grant_type is invalid_request; an unknown one unsupported_grant_type")
    func grantTypes() async throws {
        try await withFakeProvider { fake in
            let missing = try await fake.postForm("/v2/auth/token", [("client_id", FakeHarness.clientID)])
            #expect(missing.oauthError == "invalid_request")
            let unknown = try await fake.postForm("/v2/auth/token", [("client_id", FakeHarness.clientID), ("grant_type", "password")])
            #expect(unknown.oauthError == "unsupported_grant_type")
            let noCode = try await fake.postForm("/v2/auth/token", [
                ("client_id", FakeHarness.clientID), ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
            ])
            #expect(noCode.oauthError == "invalid_request")
        }
    }

    @Test("--auto-approve-after approves codes that old")
    func autoApprove() async throws {
        try await withFakeProvider({ $0.autoApproveAfter = 8 }) { fake in
            let code = try await fake.requestDeviceCode()
            fake.clock.advance(by: 5)
            #expect(try await fake.poll(code).oauthError == "authorization_pending")
            fake.clock.advance(by: 5)
            #expect(try await fake.poll(code).status == 200)
        }
    }
}

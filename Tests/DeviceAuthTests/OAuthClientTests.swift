// SPDX-License-Identifier: Apache-2.0
import Primitives
import CurlHTTP
@testable import OAuthProvider
import DeviceAuthConfig
import AsyncHTTPClient
import FakeProvider
import Foundation
import TestSupport
import Testing

/// The provider client against the fake provider over real loopback HTTP:
/// every answer sorted into what the state machine must do.
@Suite("OAuth client against the fake provider")
struct OAuthClientTests {
    func client(_ fake: FakeHarness, secret: String? = nil, qrPairing: Bool = true, scope: String = "asset_create offline") -> OAuthProviderClient {
        OAuthProviderClient(
            transport: CurlTransport(timeoutSeconds: 5, maxBodyBytes: 64 * 1024),
            profile: ProviderDialect.frameioC2C.profile(baseURL: fake.baseURL),
            credentials: ClientCredentials(clientID: "oauth-test-camera", clientSecret: secret ?? fake.secret),
            scope: scope, qrPairing: qrPairing)
    }

    func pairedGrant(_ fake: FakeHarness, _ client: OAuthProviderClient) async throws -> Grant {
        let session = try await client.requestDeviceCode(now: Fixtures.moment(at: WallTime()))
        try await fake.control("approve", #"{"user_code": "\#(session.userCode)"}"#)
        fake.clock.advance(by: session.interval)
        return try await client.poll(session, now: Fixtures.moment(at: WallTime()))
    }

    @Test("Device code with and without QR pairing")
    func deviceCode() async throws {
        try await withFakeProvider { fake in
            let now = Fixtures.moment(at: WallTime())
            let session = try await client(fake).requestDeviceCode(now: now)
            #expect(session.userCode.count == 6)
            #expect(session.interval == 5)
            #expect(session.expiresAt == now.wall.addingTimeInterval(120))
            #expect(session.verificationURIComplete == "\(fake.baseURL)/device?code=\(session.userCode)")
            let plain = try await client(fake, qrPairing: false).requestDeviceCode(now: now)
            #expect(plain.verificationURI == nil)
            #expect(try await fake.stats().requestsWithoutClientVersion == 0)
        }
    }

    @Test("Polling answers become OAuth failures; approval becomes a grant")
    func polling() async throws {
        try await withFakeProvider { fake in
            let client = client(fake)
            let session = try await client.requestDeviceCode(now: Fixtures.moment(at: WallTime()))
            fake.clock.advance(by: 5)
            await #expect(throws: OAuthFailure.pending(interval: nil)) { try await client.poll(session, now: Fixtures.moment(at: WallTime())) }
            await #expect(throws: OAuthFailure.slowDown(interval: nil)) { try await client.poll(session, now: Fixtures.moment(at: WallTime())) }
            try await fake.control("approve", #"{"all": true}"#)
            fake.clock.advance(by: 10)
            let now = Fixtures.moment(at: WallTime())
            let grant = try await client.poll(session, now: now)
            let isAccessToken = grant.accessToken.hasPrefix("FAKEAT_")  // a failure must not print the token
            #expect(isAccessToken)
            #expect(grant.refreshToken?.hasPrefix("FAKERT_") == true)
            #expect(grant.accessExpiresAt == now.wall.addingTimeInterval(28_800))
        }
    }

    @Test("A wrong secret is invalid_client")
    func invalidClient() async throws {
        try await withFakeProvider { fake in
            await #expect(throws: OAuthFailure.clientRejected(ServerError("invalid_client"))) { try await client(fake, secret: "wrong").requestDeviceCode(now: Fixtures.moment(at: WallTime())) }
        }
    }

    @Test("Refresh rotates; the old token again is invalid_request; revoked is 401")
    func refresh() async throws {
        try await withFakeProvider { fake in
            let client = client(fake)
            let first = try await pairedGrant(fake, client)
            let second = try await client.refresh(first, now: Fixtures.moment(at: WallTime()))
            #expect(second.refreshToken != first.refreshToken)
            await #expect(throws: OAuthFailure.refreshTokenReused(ServerError("invalid_request"))) { try await client.refresh(first, now: Fixtures.moment(at: WallTime())) }
            #expect(try await client.deviceInfo(second)?.projectName == "Testbed")
            try await client.heartbeat(second)
            _ = try await client.revoke(second)
            await #expect(throws: OAuthFailure.notAuthorized) { try await client.refresh(second, now: Fixtures.moment(at: WallTime())) }
            await #expect(throws: OAuthFailure.notAuthorized) { try await client.heartbeat(second) }
        }
    }

    @Test("Each fault mode of the token endpoint is a transient failure, never a crash or a hang", arguments: [
        (#"{"endpoint": "token", "mode": "status", "status": 503}"#, OAuthFailure.unavailable(retryAfterSeconds: nil)),
        (#"{"endpoint": "token", "mode": "status", "status": 503, "retry_after": 30}"#, OAuthFailure.unavailable(retryAfterSeconds: 30)),
        (#"{"endpoint": "token", "mode": "status", "status": 500}"#, OAuthFailure.httpStatus(500)),
        (#"{"endpoint": "token", "mode": "status", "status": 429}"#, OAuthFailure.rateLimited(retryAfterSeconds: 60)),
        (#"{"endpoint": "token", "mode": "garbage"}"#, OAuthFailure.malformed("not JSON (29 bytes)")),
        (#"{"endpoint": "token", "mode": "huge"}"#, OAuthFailure.malformed("answer larger than 64 KiB")),
    ])
    func faults(_ fault: String, _ expected: OAuthFailure) async throws {
        try await withFakeProvider { fake in
            let client = client(fake)
            let grant = try await pairedGrant(fake, client)
            try await fake.control("faults", fault)
            await #expect(throws: expected) { try await client.refresh(grant, now: Fixtures.moment(at: WallTime())) }
            #expect(expected.isTransient)
            // Nothing rotated: the same token works.
            _ = try await client.refresh(grant, now: Fixtures.moment(at: WallTime()))
        }
    }

    @Test("A dropped connection is a network failure")
    func drop() async throws {
        try await withFakeProvider { fake in
            let client = client(fake)
            let grant = try await pairedGrant(fake, client)
            try await fake.control("faults", #"{"endpoint": "token", "mode": "drop"}"#)
            await #expect { try await client.refresh(grant, now: Fixtures.moment(at: WallTime())) } throws: { error in
                guard case .network = error as? OAuthFailure else { return false }
                return true
            }
        }
    }

    @Test("An unreachable provider is a network failure")
    func unreachable() async throws {
        let client = OAuthProviderClient(
            transport: CurlTransport(timeoutSeconds: 5), profile: ProviderDialect.frameioC2C.profile(baseURL: "http://127.0.0.1:9"),
            credentials: ClientCredentials(clientID: "x", clientSecret: "y"), scope: "offline", qrPairing: false)
        await #expect { try await client.requestDeviceCode(now: Fixtures.moment(at: WallTime())) } throws: { error in
            guard case .network = error as? OAuthFailure else { return false }
            return true
        }
    }

    @Test("Refresh answers are classified by the dialect: Frame.io's invalid_request is reuse, elsewhere it is not definite")
    func classification() {
        let plain = AnswerClassifier()
        let frameio = ProviderDialect.frameioC2C.profile(baseURL: "https://example.test").classifier
        let invalidRequest = ServerError("invalid_request")
        #expect(frameio.refresh(.refused(invalidRequest)) == .refreshTokenReused(invalidRequest))
        #expect(plain.refresh(.refused(invalidRequest)) == .refused(invalidRequest))
        #expect(!plain.refresh(.refused(invalidRequest)).endsAuthorization)
        #expect(plain.refresh(.refused(ServerError("invalid_grant"))) == .grantGone(ServerError("invalid_grant")))
        #expect(frameio.refresh(.httpStatus(403)) == .httpStatus(403))
        // A poll's answers: RFC 8628 §3.5, with the server's new interval kept.
        #expect(plain.poll(.refused(ServerError("authorization_pending", interval: 9))) == .pending(interval: 9))
        #expect(plain.poll(.refused(ServerError("slow_down"))) == .slowDown(interval: nil))
        #expect(plain.poll(.refused(ServerError("expired_token"))) == .codeExpired)
        #expect(plain.poll(.refused(ServerError("access_denied", text: "no"))) == .denied(ServerError("access_denied", text: "no")))
        #expect(plain.poll(.refused(ServerError("invalid_grant"))) == .grantGone(ServerError("invalid_grant")))
    }
}

// SPDX-License-Identifier: Apache-2.0
import FakeProvider
import Foundation
import TestSupport
import Testing

/// Each fault mode of `POST /_fake/faults`, aimed at the token endpoint (the one
/// whose failures can cost a pairing), plus the queue's count semantics.
@Suite("Fault injection")
struct FaultTests {
    func queueFault(_ fake: FakeHarness, _ json: String) async throws {
        let response = try await fake.control("faults", json)
        #expect(response.int("queued") != nil)
    }

    @Test("status 503 fails the refresh without rotating; the same token works after")
    func status503() async throws {
        try await withFakeProvider { fake in
            let refresh = try #require(try await fake.pair().refresh)
            try await queueFault(fake, #"{"endpoint": "token", "mode": "status", "status": 503}"#)
            let failed = try await fake.refresh(refresh)
            #expect(failed.status == 503)
            #expect(failed.header("x-ratelimit-limit") == nil)
            #expect(try await fake.refresh(refresh).status == 200)
            let stats = try await fake.stats()
            #expect(stats.refreshes == 1)
            #expect(stats.faultsInjected == 1)
        }
    }

    @Test("status 429 carries x-ratelimit-limit, -remaining and -window")
    func status429() async throws {
        try await withFakeProvider { fake in
            let refresh = try #require(try await fake.pair().refresh)
            try await queueFault(fake, #"{"endpoint": "token", "mode": "status", "status": 429}"#)
            let limited = try await fake.refresh(refresh)
            #expect(limited.status == 429)
            #expect(limited.header("x-ratelimit-limit") == "100")
            #expect(limited.header("x-ratelimit-remaining") == "0")
            #expect(limited.header("x-ratelimit-window") == "60000")
            #expect(try await fake.refresh(refresh).status == 200)
        }
    }

    @Test("status 401 answers the documented Not Authorized body")
    func status401() async throws {
        try await withFakeProvider { fake in
            let refresh = try #require(try await fake.pair().refresh)
            try await queueFault(fake, #"{"endpoint": "token", "mode": "status", "status": 401}"#)
            let response = try await fake.refresh(refresh)
            #expect(response.status == 401)
            #expect(response.string("message") == "Not Authorized")
        }
    }

    @Test("delay answers late, then normally")
    func delay() async throws {
        try await withFakeProvider { fake in
            let refresh = try #require(try await fake.pair().refresh)
            try await queueFault(fake, #"{"endpoint": "token", "mode": "delay", "delay_ms": 400}"#)
            let started = ContinuousClock.now
            let response = try await fake.refresh(refresh)
            #expect(ContinuousClock.now - started >= .milliseconds(400))
            #expect(response.status == 200)
            #expect(try await fake.stats().refreshes == 1)
        }
    }

    @Test("delay_after_commit rotates first and answers late; hang neither rotates nor answers")
    func lateAndSilent() async throws {
        try await withFakeProvider { fake in
            let refresh = try #require(try await fake.pair().refresh)
            try await queueFault(fake, #"{"endpoint": "token", "mode": "delay_after_commit", "delay_ms": 1500}"#)
            let late = Task { try await fake.refresh(refresh) }
            var rotated = false
            for _ in 0..<100 where !rotated {
                try await Task.sleep(for: .milliseconds(10))
                rotated = try await fake.stats().refreshes == 1
            }
            #expect(rotated, "the rotation is done while the answer is still on its way")
            let answer = try await late.value
            #expect(answer.status == 200)
            let next = try #require(answer.string("refresh_token"))

            try await queueFault(fake, #"{"endpoint": "token", "mode": "hang"}"#)
            await #expect(throws: (any Error).self) { try await fake.refresh(next, timeoutSeconds: 1) }
            #expect(try await fake.stats().refreshes == 1, "a silent server did no work")
            #expect(try await fake.refresh(next).status == 200, "the token is still good")
        }
    }

    @Test("A delay longer than the client's patience is a timeout, and the work still happens")
    func delayPastClientTimeout() async throws {
        try await withFakeProvider { fake in
            let refresh = try #require(try await fake.pair().refresh)
            try await queueFault(fake, #"{"endpoint": "token", "mode": "delay", "delay_ms": 2500}"#)
            await #expect(throws: (any Error).self) { try await fake.refresh(refresh, timeoutSeconds: 1) }
            // The server finishes the exchange after the client gave up: bounded wait for it.
            var rotated = false
            for _ in 0..<40 where !rotated {
                try await Task.sleep(for: .milliseconds(100))
                rotated = try await fake.stats().refreshes == 1
            }
            #expect(rotated)
        }
    }

    @Test("drop closes the connection without doing the work: the token still works")
    func drop() async throws {
        try await withFakeProvider { fake in
            let refresh = try #require(try await fake.pair().refresh)
            try await queueFault(fake, #"{"endpoint": "token", "mode": "drop"}"#)
            await #expect(throws: (any Error).self) { try await fake.refresh(refresh) }
            #expect(try await fake.stats().refreshes == 0)
            #expect(try await fake.refresh(refresh).status == 200)
        }
    }

    @Test("drop_after_commit rotates, then loses the answer: the old token is reuse")
    func dropAfterCommit() async throws {
        try await withFakeProvider { fake in
            let refresh = try #require(try await fake.pair().refresh)
            try await queueFault(fake, #"{"endpoint": "token", "mode": "drop_after_commit"}"#)
            await #expect(throws: (any Error).self) { try await fake.refresh(refresh) }
            #expect(try await fake.stats().refreshes == 1)
            let retried = try await fake.refresh(refresh)
            #expect(retried.status == 400)
            #expect(retried.oauthError == "invalid_request")
            #expect(try await fake.stats().refreshReuse == 1)
        }
    }

    @Test("garbage is a 200 whose body is not JSON; nothing rotated")
    func garbage() async throws {
        try await withFakeProvider { fake in
            let refresh = try #require(try await fake.pair().refresh)
            try await queueFault(fake, #"{"endpoint": "token", "mode": "garbage"}"#)
            let response = try await fake.refresh(refresh)
            #expect(response.status == 200)
            #expect(response.header("content-type") == "application/json")
            #expect((try? JSONSerialization.jsonObject(with: Data(response.body))) == nil)
            #expect(try await fake.refresh(refresh).status == 200)
        }
    }

    @Test("huge is a 200 of more than 8 MiB; nothing rotated")
    func huge() async throws {
        try await withFakeProvider { fake in
            let refresh = try #require(try await fake.pair().refresh)
            try await queueFault(fake, #"{"endpoint": "token", "mode": "huge"}"#)
            let response = try await fake.refresh(refresh, timeoutSeconds: 30)
            #expect(response.status == 200)
            #expect(response.body.count > 8 * 1024 * 1024)
            #expect(response.body.starts(with: Array(#"{"access_token": ""#.utf8)))
            #expect(try await fake.refresh(refresh).status == 200)
        }
    }

    @Test("count N fails exactly the next N requests to that endpoint, and no other endpoint")
    func countSemantics() async throws {
        try await withFakeProvider { fake in
            let pair = try await fake.pair()
            try await queueFault(fake, #"{"endpoint": "token", "mode": "status", "status": 502, "count": 2}"#)
            #expect(try await fake.get("/v2/devices/me", bearer: pair.access).status == 200)
            #expect(try await fake.refresh(try #require(pair.refresh)).status == 502)
            #expect(try await fake.refresh(try #require(pair.refresh)).status == 502)
            #expect(try await fake.refresh(try #require(pair.refresh)).status == 200)
            #expect(try await fake.stats().faultsInjected == 2)
        }
    }

    @Test("Faults queue in order: one mode after another")
    func queuedInOrder() async throws {
        try await withFakeProvider { fake in
            let refresh = try #require(try await fake.pair().refresh)
            try await queueFault(fake, #"{"endpoint": "token", "mode": "status", "status": 500}"#)
            try await queueFault(fake, #"{"endpoint": "token", "mode": "garbage"}"#)
            #expect(try await fake.refresh(refresh).status == 500)
            #expect(try await fake.refresh(refresh).json == nil)
            #expect(try await fake.refresh(refresh).status == 200)
        }
    }

    @Test("Every endpoint can be faulted", arguments: FaultEndpoint.allCases)
    func everyEndpoint(_ endpoint: FaultEndpoint) async throws {
        try await withFakeProvider { fake in
            let pair = try await fake.pair()
            try await queueFault(fake, #"{"endpoint": "\#(endpoint.rawValue)", "mode": "status", "status": 503}"#)
            let bearer = FakeHarness.defaultHeaders + [("authorization", "Bearer \(pair.access)")]
            let response: TestResponse = switch endpoint {
            case .token: try await fake.refresh(try #require(pair.refresh))
            case .deviceCode: try await fake.postForm("/v2/auth/device/code", fake.deviceCodeFields())
            case .revoke: try await fake.revoke(try #require(pair.refresh))
            case .devicesMe: try await fake.get("/v2/devices/me", bearer: pair.access)
            case .heartbeat: try await fake.send(.POST, "/v2/devices/heartbeat", headers: bearer)
            case .metadata: try await fake.get("/.well-known/oauth-authorization-server/oauth2")
            case .echo: try await fake.get("/v2/echo", bearer: pair.access)
            }
            #expect(response.status == 503)
            // The fault did no work: the pair is alive.
            #expect(try await fake.get("/v2/devices/me", bearer: pair.access).status == 200)
        }
    }
}

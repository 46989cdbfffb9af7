// SPDX-License-Identifier: Apache-2.0
import FakeProvider
import Foundation
import TestSupport
import Testing

/// Each fault mode of the fake's token endpoint, hitting a refresh: the daemon
/// must keep its pairing through every one but the lost-after-commit answer.
@Suite("deviceauthd through token endpoint faults", .serialized)
struct DaemonFaultTests {
    @Test("Survived without losing the pairing", arguments: [
        #"{"endpoint": "token", "mode": "status", "status": 503, "count": 2}"#,
        #"{"endpoint": "token", "mode": "status", "status": 429}"#,
        #"{"endpoint": "token", "mode": "delay", "delay_ms": 1500}"#,
        #"{"endpoint": "token", "mode": "drop"}"#,
        #"{"endpoint": "token", "mode": "garbage"}"#,
        #"{"endpoint": "token", "mode": "huge"}"#,
        // Not definite answers either: a proxy's 403, a 404, a redirect, a 400 without
        // an error code, an error code the refresh grant does not define.
        #"{"endpoint": "token", "mode": "status", "status": 403}"#,
        #"{"endpoint": "token", "mode": "status", "status": 404}"#,
        #"{"endpoint": "token", "mode": "status", "status": 302}"#,
        #"{"endpoint": "token", "mode": "status", "status": 400}"#,
        #"{"endpoint": "token", "mode": "status", "status": 400, "error": "bad_request"}"#,
    ])
    func survived(_ fault: String) async throws {
        try await withFakeProvider(realTime: true, { $0.pollingInterval = 1 }) { fake in
            let daemon = try DaemonFixture(fake: fake)
            _ = try #require(try await daemon.pair())
            try await fake.control("faults", fault)
            try await fake.control("expire-access")
            let stats = try await daemon.waitForStats(seconds: 30) { $0.refreshes >= 1 && $0.faultsInjected >= 1 }
            #expect(stats.refreshes == 1)
            #expect(stats.refreshReuse == 0)
            #expect(stats.deviceCodes == 1, "the pairing was lost")
            let after = daemon.notify.assignments.count
            #expect(await daemon.notify.waitStatus("authorized: project Testbed", seconds: 10, after: max(0, after - 2)) != nil)
            #expect(await daemon.stop().status == 0)
            // A delay is not a failure; every other mode must be reported, and retried.
            if !fault.contains("delay") { #expect(daemon.output.contains("refresh failed: ")) }
            #expect(daemon.leakedSecrets.isEmpty, "leaked: \(daemon.leakedSecrets)")
        }
    }

    @Test("drop_after_commit: the rotated answer is lost, so the daemon re-pairs cleanly and says why")
    func dropAfterCommit() async throws {
        try await withFakeProvider(realTime: true, { $0.pollingInterval = 1 }) { fake in
            let daemon = try DaemonFixture(fake: fake)
            _ = try #require(try await daemon.pair())
            try await fake.control("faults", #"{"endpoint": "token", "mode": "drop_after_commit"}"#)
            try await fake.control("expire-access")
            let stats = try await daemon.waitForStats(seconds: 30) { $0.deviceCodes >= 2 }
            #expect(stats.deviceCodes == 2)
            #expect(stats.refreshReuse == 1)
            let count = daemon.notify.assignments.count
            let code = try #require(await daemon.waitForUserCode(after: max(0, count - 3)))
            try await fake.control("approve", #"{"user_code": "\#(code)"}"#)
            let tail = daemon.notify.assignments.count
            #expect(await daemon.notify.waitStatus("authorized: project Testbed", seconds: 20, after: tail - 1) != nil)
            #expect(await daemon.stop().status == 0)
            #expect(daemon.output.contains("authorization lost: the provider refused the refresh token as already used"))
            #expect(daemon.leakedSecrets.isEmpty)
        }
    }

    @Test("A revoked authorization (401 on refresh) pairs again")
    func revoked() async throws {
        try await withFakeProvider(realTime: true, { $0.pollingInterval = 1 }) { fake in
            let daemon = try DaemonFixture(fake: fake)
            _ = try #require(try await daemon.pair())
            try await fake.control("revoke-all")
            let stats = try await daemon.waitForStats(seconds: 20) { $0.deviceCodes >= 2 }
            #expect(stats.deviceCodes == 2)
            #expect(await daemon.stop().status == 0)
            #expect(daemon.output.contains("authorization lost"))
        }
    }

    @Test("Faults of the device code endpoint are retried with backoff until a code arrives", arguments: [
        #"{"endpoint": "device_code", "mode": "status", "status": 503, "count": 2}"#,
        #"{"endpoint": "device_code", "mode": "status", "status": 429}"#,
        #"{"endpoint": "device_code", "mode": "drop", "count": 2}"#,
        #"{"endpoint": "device_code", "mode": "garbage"}"#,
        #"{"endpoint": "device_code", "mode": "huge"}"#,
    ])
    func deviceCodeFaults(_ fault: String) async throws {
        try await withFakeProvider(realTime: true, { $0.pollingInterval = 1 }) { fake in
            let daemon = try DaemonFixture(fake: fake)
            try await fake.control("faults", fault)
            try daemon.start()
            #expect(await daemon.waitForUserCode(seconds: 30) != nil)
            let stats = try await fake.stats()
            #expect(stats.deviceCodes == 1)
            #expect(stats.faultsInjected >= 1)
            #expect(daemon.notify.assignments.contains { $0.hasPrefix("STATUS=polling: requesting a pairing code (") })
            #expect(await daemon.stop().status == 0)
            #expect(daemon.output.contains("cannot get a pairing code: "))
        }
    }

    @Test("Faults while polling are retried; the code is still honoured")
    func pollFaults() async throws {
        try await withFakeProvider(realTime: true, { $0.pollingInterval = 1 }) { fake in
            let daemon = try DaemonFixture(fake: fake)
            try daemon.start()
            let code = try #require(await daemon.waitForUserCode())
            try await fake.control("faults", #"{"endpoint": "token", "mode": "status", "status": 502, "count": 2}"#)
            try await fake.control("approve", #"{"user_code": "\#(code)"}"#)
            #expect(await daemon.notify.waitStatus("authorized: project Testbed", seconds: 30) != nil)
            let stats = try await fake.stats()
            #expect(stats.deviceCodes == 1)
            #expect(stats.slowDowns == 0)
            #expect(await daemon.stop().status == 0)
            #expect(daemon.output.contains("poll failed: HTTP 502"))
        }
    }
}

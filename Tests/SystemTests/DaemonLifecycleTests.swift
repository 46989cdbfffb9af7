// SPDX-License-Identifier: Apache-2.0
import ControlProtocol
import FakeProvider
import Foundation
import TestSupport
import Testing

/// The real deviceauthd binary against the fake provider over loopback, with
/// a real notify socket. Serialized: each test runs a daemon in real time.
@Suite("deviceauthd end to end", .serialized)
struct DaemonLifecycleTests {
    static func fast(_ configuration: inout FakeProviderConfiguration) {
        configuration.pollingInterval = 1
    }

    @Test("READY, a STATUS without the code, approve → authorized, refresh, watchdog, SIGTERM, restart without a new code")
    func wholeLife() async throws {
        try await withFakeProvider(realTime: true, Self.fast) { fake in
            let daemon = try DaemonFixture(fake: fake)
            try daemon.start(watchdogMicroseconds: 400_000)
            #expect(await daemon.notify.wait(seconds: 20) { $0 == "READY=1" } != nil)
            let code = try #require(await daemon.waitForUserCode())
            #expect(code.count == 6 && code.allSatisfy(\.isNumber))
            // Every user can read STATUS (systemctl status): it says where to get the code, never the code.
            let polling = try #require(await daemon.notify.waitStatus(DaemonFixture.pollingStatus, seconds: 5))
            #expect(polling.hasSuffix("); deviceauthctl pair shows it (root, the daemon's user and PairingViewers=)"))
            #expect(!daemon.notify.assignments.contains { $0.contains(code) })

            try await fake.control("approve", #"{"user_code": "\#(code)"}"#)
            let authorized = try #require(await daemon.notify.waitStatus("authorized: project Testbed, token valid until ", seconds: 20))
            _ = authorized

            // The access token dies at the provider: the next heartbeat gets 401 and the daemon refreshes.
            try await fake.control("expire-access")
            let refreshed = try await daemon.waitForStats(seconds: 20) { $0.refreshes >= 1 }
            #expect(refreshed.refreshes >= 1)
            #expect(refreshed.refreshReuse == 0)
            #expect(refreshed.deviceCodes == 1)
            // The project is asked once per pairing, not after every refresh: it does not change with one.
            #expect(refreshed.devicesMe == 1)
            #expect(refreshed.requestsWithoutClientVersion == 0)
            #expect(daemon.notify.assignments.filter { $0 == "WATCHDOG=1" }.count >= 2)

            let stop = await daemon.stop()
            #expect(stop.status == 0)
            // Within the unit's TimeoutStopSec=10 (systemd kills after it); Scripts/bench prints the time a stop takes.
            #expect(stop.seconds < 10, "took \(stop.seconds) s to stop")
            #expect(daemon.notify.assignments.contains("STOPPING=1"))

            // Restart: authorized at once from the store, no new device code.
            let before = daemon.notify.assignments.count
            try daemon.start()
            #expect(await daemon.notify.waitStatus("authorized: project Testbed", seconds: 20, after: before) != nil)
            #expect(!daemon.notify.assignments.dropFirst(before).contains { $0.hasPrefix("STATUS=polling") })
            let restarted = try await fake.stats()
            #expect(restarted.deviceCodes == 1)
            // And once per start, as the README says: the name is not stored.
            #expect(restarted.devicesMe == 2)
            #expect(await daemon.stop().status == 0)

            #expect(daemon.output.contains("paired (access "))
            // The runtime it was built with, the main actor having answered before anything ran.
            let runtime = ProcessInfo.processInfo.environment["DEVICEAUTH_TEST_BINARIES"] == nil ? "DaemonExecutor" : "Swift's executors (libdispatch)"
            #expect(daemon.output.contains("; async code on \(runtime)"), "\(daemon.output.prefix(600))")
            #expect(daemon.leakedSecrets.isEmpty, "leaked: \(daemon.leakedSecrets)")
        }
    }

    @Test("A notify socket nobody reads (a stalled manager) costs status lines, never the token path")
    func stalledNotifySocket() async throws {
        try await withFakeProvider(realTime: true, { $0.pollingInterval = 1; $0.accessTokenLifetime = 600 }) { fake in
            let daemon = try DaemonFixture(fake: fake)
            // Bound, never read: its queue (net.unix.max_dgram_qlen, 10 here) fills after a few lines.
            let stalled = daemon.directory + "/stalled-notify.sock"
            let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
            defer { close(fd) }
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(stalled.utf8) + [0]) }
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            try #require(bound == 0)
            try daemon.writeConfig("[Pairing]\nAutoPair=no\n")
            try daemon.start(environment: ["NOTIFY_SOCKET": stalled])
            for _ in 0..<100 {
                if (try? await daemon.ctl(["status"], seconds: 5).status) == 0 { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            // Each round sends two or three status lines: far more than the queue holds.
            for round in 0..<15 {
                #expect(try await daemon.call(ControlRequest(PairMethod.self), timeout: 10).ok, "round \(round)")
                let cancel = try await daemon.ctl(["cancel"], seconds: 10)
                #expect(cancel.status == 0, "round \(round): deviceauthctl cancel did not return")
                if cancel.status != 0 { break }
            }
            // No status reaches the test: it asks the daemon and approves whatever code is pending.
            _ = try await daemon.call(ControlRequest(PairMethod.self), timeout: 10)
            var authorized = false
            for _ in 0..<100 where !authorized {
                try await Task.sleep(for: .milliseconds(200))
                _ = try? await fake.control("approve", #"{"all": true}"#)
                authorized = (try? await daemon.ctl(["status"], seconds: 5).output.contains("State:   authorized")) == true
            }
            try #require(authorized)
            // A refresh (the provider stops honouring the access token) sends more lines; tokens are still served.
            try await fake.control("expire-access")
            let stats = try await daemon.waitForStats(seconds: 20) { $0.refreshes >= 1 }
            #expect(stats.refreshes >= 1)
            let token = try await daemon.ctl(["token"], seconds: 10)
            #expect(token.status == 0)
            #expect(try await daemon.ctl(["status"], seconds: 10).output.contains("State:   authorized"))
            #expect(await daemon.stop().status == 0)
        }
    }

    @Test("SIGINT stops it cleanly too, while pairing")
    func sigint() async throws {
        try await withFakeProvider(realTime: true, Self.fast) { fake in
            let daemon = try DaemonFixture(fake: fake)
            try daemon.start()
            _ = try #require(await daemon.waitForUserCode())
            daemon.daemon?.signal(SIGINT)
            #expect(await daemon.daemon?.waitForExit(seconds: 10) == 0)
        }
    }

    @Test("A code that expires is replaced by a new one, logged as renewed")
    func codeRenewal() async throws {
        try await withFakeProvider(realTime: true, { $0.pollingInterval = 1; $0.deviceCodeLifetime = 2 }) { fake in
            let daemon = try DaemonFixture(fake: fake)
            try daemon.start()
            let first = try #require(await daemon.waitForUserCode())
            let stats = try await daemon.waitForStats(seconds: 15) { $0.deviceCodes >= 2 }
            #expect(stats.deviceCodes >= 2)
            // The new code, asked of the daemon until it shows one other than the first (bounded):
            // a STATUS line about the old code can still be among the latest, and between two
            // codes the daemon has none to show.
            var renewed: String?
            for _ in 0..<100 {
                if let code = await daemon.waitForUserCode(seconds: 5, after: max(0, daemon.notify.assignments.count - 3)), code != first {
                    renewed = code
                    break
                }
                try await Task.sleep(for: .milliseconds(100))
            }
            let second = try #require(renewed, "no code other than the first was shown")
            #expect(await daemon.stop().status == 0)
            #expect(daemon.output.contains("code renewed: pairing code issued, valid until "))
            #expect(!daemon.output.contains(first) && !daemon.output.contains(second), "the journal has more readers than those who may pair")
            #expect(stats.slowDowns == 0)
        }
    }

    @Test("A denied pairing ends unpaired, and says why")
    func denied() async throws {
        try await withFakeProvider(realTime: true, Self.fast) { fake in
            let daemon = try DaemonFixture(fake: fake)
            try daemon.start()
            let code = try #require(await daemon.waitForUserCode())
            try await fake.control("deny", #"{"user_code": "\#(code)"}"#)
            #expect(await daemon.notify.waitStatus("unpaired: the pairing was denied", seconds: 20) != nil)
            #expect(await daemon.stop().status == 0)
        }
    }

    @Test("A wrong client_secret stops pairing with a clear message and no retry loop")
    func wrongSecret() async throws {
        try await withFakeProvider(realTime: true, { $0.pollingInterval = 1; $0.clientSecret = "the-real-one" }) { fake in
            let daemon = try DaemonFixture(fake: fake)
            try "not-the-real-one".write(toFile: daemon.directory + "/client_secret", atomically: false, encoding: .utf8)
            try daemon.start()
            #expect(await daemon.notify.waitStatus("unpaired: the provider rejected our configuration: invalid_client", seconds: 20) != nil)
            try await Task.sleep(for: .seconds(2))
            #expect(try await fake.stats().deviceCodes == 0)
            #expect(try await fake.stats().rejectedRequests == 1)
            #expect(await daemon.stop().status == 0)
            #expect(!daemon.output.contains("not-the-real-one"))
        }
    }

    @Test("A changed ClientID= revokes the old authorization under the old id and pairs anew")
    func changedClientID() async throws {
        try await withFakeProvider(realTime: true, Self.fast) { fake in
            let daemon = try DaemonFixture(fake: fake)
            _ = try #require(try await daemon.pair())
            let old = try #require(try await daemon.call(ControlRequest(TokenMethod.self, TokenParameters())).result?.token)
            #expect(await daemon.stop().status == 0)

            let config = try String(contentsOfFile: daemon.configPath, encoding: .utf8)
            try config.replacingOccurrences(of: "ClientID=e2e-camera", with: "ClientID=e2e-camera-replaced")
                .write(toFile: daemon.configPath, atomically: true, encoding: .utf8)
            try daemon.start()
            let stats = try await daemon.waitForStats(seconds: 20) { $0.revocations >= 1 && $0.deviceCodes >= 2 }
            #expect(stats.revocations == 1)
            #expect(stats.deviceCodes == 2)
            #expect(try await fake.get("/v2/devices/me", bearer: old.accessToken).status == 401)
            #expect(await daemon.stop().status == 0)
            #expect(daemon.output.contains("the stored tokens belong to client id e2e-camera, not e2e-camera-replaced"))
            #expect(daemon.output.contains("revoked the authorization of the former client id e2e-camera"))
        }
    }
}

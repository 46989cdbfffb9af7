// SPDX-License-Identifier: Apache-2.0
import FakeProvider
import Foundation
import TestSupport
import Testing

/// SIGHUP (`systemctl reload`): what can change while running changes; a bad
/// config is reported and the running one stays.
@Suite("deviceauthd reload", .serialized)
struct DaemonReloadTests {
    @Test("RELOADING=1 then READY=1; TokenReaders= applies at once; keys that need a restart are named; a bad config is kept out")
    func reload() async throws {
        try await withFakeProvider(realTime: true, { $0.pollingInterval = 1 }) { fake in
            let daemon = try DaemonFixture(fake: fake)
            _ = try #require(try await daemon.pair())
            #expect(try await daemon.ctl(["token"], uid: 4400).status == 77)

            try daemon.writeConfig("[Control]\nTokenReaders=4400\nMaxConnections=128\n[Provider]\nScope=offline\n")
            let before = daemon.notify.assignments.count
            daemon.daemon?.signal(SIGHUP)
            #expect(await daemon.notify.wait(seconds: 10) { $0.hasPrefix("RELOADING=1") } != nil)
            let ready = await daemon.notify.wait(seconds: 10) { _ in
                daemon.notify.assignments.dropFirst(before).contains("READY=1")
            }
            #expect(ready != nil)
            #expect(daemon.notify.assignments.contains { $0.hasPrefix("MONOTONIC_USEC=") })
            #expect(try await daemon.ctl(["token"], uid: 4400).status == 0)

            // A broken config: reported with file and line, the running one stays.
            try daemon.writeConfig("[Control]\nTokenReaders=4400\nColour=blue\n")
            daemon.daemon?.signal(SIGHUP)
            let deadline = ContinuousClock.now + .seconds(10)
            while !daemon.output.contains("reload failed") && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(try await daemon.ctl(["token"], uid: 4400).status == 0)
            #expect(try await daemon.ctl(["status", "--json"]).output.contains(#""state":"authorized""#))

            #expect(await daemon.stop().status == 0)
            #expect(daemon.output.contains("reload: [Provider] Scope=, [Control] MaxConnections= changed; restart deviceauthd to apply them"))
            // A config that does not load is not compared key by key: only the first reload named keys.
            #expect(daemon.output.components(separatedBy: "restart deviceauthd to apply").count == 2)
            #expect(daemon.output.contains("reload failed, keeping the running configuration: \(daemon.configPath):"))
            #expect(daemon.output.contains("unknown key Colour="))
        }
    }
}

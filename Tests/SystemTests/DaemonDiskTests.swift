// SPDX-License-Identifier: Apache-2.0
import ControlProtocol
import FakeProvider
import Foundation
import TestSupport
import Testing

/// A full disk under the token store: the rotated tokens are kept and used,
/// the failure is reported, and the save is retried until it lands.
@Suite("deviceauthd on a full disk", .serialized)
struct DaemonDiskTests {
    @Test("A refresh that cannot be saved is kept in memory, reported, and saved once there is room",
          .needsRoot("a tmpfs in a private mount namespace"))
    func fullDisk() async throws {
        try await withFakeProvider(realTime: true, { $0.pollingInterval = 1 }) { fake in
            let daemon = try DaemonFixture(fake: fake, extraConfig: "[Refresh]\nHeartbeatSec=120\n")
            try daemon.start(stateTmpfsKiB: 512)
            let code = try #require(await daemon.waitForUserCode())
            try await fake.control("approve", #"{"user_code": "\#(code)"}"#)
            #expect(await daemon.notify.waitStatus("authorized: ", seconds: 20) != nil)
            let pid = try #require(daemon.daemon?.process.processIdentifier)

            // Fill the daemon's tmpfs from inside its mount namespace.
            let filler = daemon.stateDirectory + "/filler"
            _ = try await Subprocess.run("/usr/bin/nsenter", ["-t", "\(pid)", "-m", "/bin/dd", "if=/dev/zero", "of=\(filler)", "bs=4k"])
            let before = try #require(try await daemon.call(ControlRequest(TokenMethod.self, TokenParameters())).result?.token)
            // A refresh: it lands at the provider, the save fails.
            #expect(try await daemon.call(ControlRequest(RefreshMethod.self)).ok)
            let after = try #require(try await daemon.call(ControlRequest(TokenMethod.self, TokenParameters())).result?.token)
            #expect(after.accessToken != before.accessToken)
            #expect(try await fake.get("/v2/devices/me", bearer: after.accessToken).status == 200)
            let deadline = ContinuousClock.now + .seconds(10)
            while !daemon.output.contains("cannot save the tokens") && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(daemon.output.contains("cannot save the tokens to \(daemon.stateDirectory)/tokens.sqlite3: the disk is full; keeping the tokens in memory and retrying in 2 s"))
            #expect(try await daemon.call(ControlRequest(StatusMethod.self)).result?.status.state == "authorized")

            // Room again: the retry saves them.
            _ = try await Subprocess.run("/usr/bin/nsenter", ["-t", "\(pid)", "-m", "/bin/rm", "-f", filler])
            let saved = ContinuousClock.now + .seconds(15)
            while !daemon.output.contains("the tokens are saved again") && ContinuousClock.now < saved {
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(daemon.output.contains("the tokens are saved again"))
            #expect(try await fake.stats().refreshReuse == 0)
            #expect(await daemon.stop().status == 0)
            #expect(daemon.leakedSecrets.isEmpty)
        }
    }
}

// SPDX-License-Identifier: Apache-2.0
import ControlProtocol
import OAuthProvider
import FakeProvider
import Foundation
import TestSupport
import Testing

/// The control socket over a real Unix socket, against the real daemon.
@Suite("Control socket and deviceauthctl", .serialized)
struct ControlSocketTests {
    @Test("status, pair (with QR files), watch, token, token with min_valid_seconds, cancel, unpair")
    func methods() async throws {
        try await withFakeProvider(realTime: true, { $0.pollingInterval = 1; $0.accessTokenLifetime = 600 }) { fake in
            let daemon = try DaemonFixture(fake: fake, extraConfig: "[Pairing]\nAutoPair=no\n")
            try daemon.start()
            #expect(await daemon.notify.wait(seconds: 20) { $0 == "READY=1" } != nil)
            let first = try await daemon.call(ControlRequest(StatusMethod.self, id: 7))
            #expect(first.id == 7 && first.ok)
            #expect(first.result?.status.state == "unpaired")
            #expect(try await daemon.call(ControlRequest(TokenMethod.self, TokenParameters())).error?.code == "not_authorized")

            // pair: polling at once, with a code, a URL and the QR files.
            let paired = try await daemon.call(ControlRequest(PairMethod.self))
            #expect(paired.result?.status.state == "polling")
            var status = try #require(paired.result?.status)
            for _ in 0..<100 where status.userCode == nil {
                try await Task.sleep(for: .milliseconds(50))
                status = try #require(try await daemon.call(ControlRequest(StatusMethod.self)).result?.status)
            }
            let code = try #require(status.userCode)
            let complete = try #require(status.verificationURIComplete)
            #expect(complete == "\(fake.baseURL)/device?code=\(code)")
            let png = daemon.runtimeDirectory + "/pairing.png"
            #expect(try await Subprocess.run("/usr/bin/zbarimg", ["--nodbus", "--quiet", "--raw", png]).output.trimmingCharacters(in: .newlines) == complete)
            let attributes = try FileManager.default.attributesOfItem(atPath: png)
            // The code in it lets a reader approve the device: the daemon's alone without PairingViewers=.
            #expect(attributes[.posixPermissions] as? Int == 0o600)
            let svg = try String(contentsOfFile: daemon.runtimeDirectory + "/pairing.svg", encoding: .utf8)
            #expect(svg.contains(">Scan this code with your smartphone camera to pair your device.</text>"))

            // watch: the current status, then the change to authorized after approval.
            let path = daemon.socketPath
            // Approved once the watcher holds its first reply (it is subscribed by then), not after a guess.
            let (subscribed, hasSubscribed) = AsyncStream<Void>.makeStream()
            let watcher = Task {
                try await blocking { () throws -> [ControlReply<StatusResult>] in
                    defer { hasSubscribed.finish() }
                    let client = try ControlClient(path: path)
                    try client.send(ControlRequest(WatchMethod.self))
                    var replies: [ControlReply<StatusResult>] = []
                    while replies.last?.result?.status.state != "authorized" {
                        replies.append(try client.receive(WatchMethod.self, timeout: 20))
                        hasSubscribed.yield()
                    }
                    return replies
                }
            }
            for await _ in subscribed { break }
            try await fake.control("approve", #"{"user_code": "\#(code)"}"#)
            let replies = try await watcher.value
            #expect(replies.first?.event == nil && replies.first?.result?.status.state == "polling")
            #expect(replies.last?.event == "status")
            #expect(!FileManager.default.fileExists(atPath: png), "pairing.png must go once paired")

            // token: the live access token.
            let token = try #require(try await daemon.call(ControlRequest(TokenMethod.self, TokenParameters())).result?.token)
            #expect(token.tokenType == "bearer")
            #expect(try await fake.get("/v2/devices/me", bearer: token.accessToken).status == 200)
            #expect(try await fake.stats().refreshes == 0)
            // min_valid_seconds beyond a whole lifetime (600 s): no refresh could give that, so the
            // held token comes as it is, and expires_in says how long it is good for.
            let fresh = try #require(try await daemon.call(ControlRequest(TokenMethod.self, TokenParameters(minValidSeconds: 10_000))).result?.token)
            #expect(fresh.accessToken == token.accessToken && fresh.expiresIn <= 600)
            #expect(try await fake.stats().refreshes == 0)

            // unpair: revoked at the provider, wiped, unpaired; no token any more.
            let unpaired = try await daemon.call(ControlRequest(UnpairMethod.self))
            #expect(unpaired.result?.status.state == "unpaired")
            #expect(unpaired.result?.revoked == true && unpaired.result?.revocation == "revoked")
            #expect(unpaired.result?.message == "the authorization was revoked at the provider")
            // Again: nothing is left to revoke.
            #expect(try await daemon.call(ControlRequest(UnpairMethod.self)).result?.revocation == "nothing_to_revoke")
            #expect(try await fake.stats().revocations == 1)
            #expect(try await fake.get("/v2/devices/me", bearer: fresh.accessToken).status == 401)
            #expect(try await daemon.call(ControlRequest(TokenMethod.self, TokenParameters())).error?.code == "not_authorized")

            // cancel: pairing stops.
            _ = try await daemon.call(ControlRequest(PairMethod.self))
            #expect(try await daemon.call(ControlRequest(CancelMethod.self)).result?.status.state == "unpaired")
            #expect(await daemon.stop().status == 0)
            #expect(daemon.leakedSecrets.isEmpty)
        }
    }

    @Test("Roles from SO_PEERCRED: root does all, TokenReaders read tokens, anyone else reads status only")
    func roles() async throws {
        try await withFakeProvider(realTime: true, { $0.pollingInterval = 1 }) { fake in
            let daemon = try DaemonFixture(fake: fake, extraConfig: "[Control]\nTokenReaders=4301 @4302\n")
            _ = try #require(try await daemon.pair())
            // Anyone: status yes; token, pair, unpair no (77) with a clear message.
            let stranger: UInt32 = 4300
            let status = try await daemon.ctl(["status", "--json"], uid: stranger)
            #expect(status.status == 0)
            #expect(status.output.contains(#""state":"authorized""#))
            let refusedToken = try await daemon.ctl(["token"], uid: stranger)
            #expect(refusedToken.status == 77)
            #expect(refusedToken.output.contains("token needs the token reader role; uid 4300 is an observer"))
            #expect(try await daemon.ctl(["unpair"], uid: stranger).status == 77)
            #expect(try await daemon.ctl(["pair"], uid: stranger).status == 77)
            // A listed user, and a member of a listed group (supplementary, as systemd's SupplementaryGroups= gives).
            let byUser = try await daemon.ctl(["token"], uid: 4301)
            #expect(byUser.status == 0)
            let gotToken = byUser.output.hasPrefix("FAKEAT_")  // a failure must not print the token
            #expect(gotToken)
            #expect(try await daemon.ctl(["token"], uid: 4303, groups: [4302]).status == 0)
            #expect(try await daemon.ctl(["token"], uid: 4304, gid: 4302).status == 0)
            // Readers may not administer.
            #expect(try await daemon.ctl(["unpair"], uid: 4301).status == 77)
            // Root may; an unpair the provider cannot hear of is still done here, and says so.
            #expect(try await daemon.ctl(["status"]).status == 0)
            try await fake.control("faults", #"{"endpoint": "revoke", "mode": "status", "status": 500}"#)
            let unpaired = try await daemon.ctl(["unpair"])
            #expect(unpaired.status == 0)
            #expect(unpaired.output.contains("Unpaired: the tokens are wiped here, but the provider could not be told (HTTP 500)"))
            #expect(await daemon.stop().status == 0)
            #expect(daemon.output.contains("control: refused token to pid"))
            #expect(daemon.output.contains("uid 4300"))
        }
    }

    @Test("32 callers asking for a fresher token at once share one refresh")
    func concurrentTokens() async throws {
        try await withFakeProvider(realTime: true, { $0.pollingInterval = 1; $0.accessTokenLifetime = 8 }) { fake in
            // Tokens of 8 s, refreshed by the daemon itself only at 7.6 s.
            let daemon = try DaemonFixture(fake: fake, extraConfig: "Fraction=0.95\nJitter=0\n")
            _ = try #require(try await daemon.pair())
            // A caller's demand refreshes only a token at least a quarter of its lifetime old
            // (a minute at most; 2 s here). That is the real daemon's own boot clock, which no
            // test drives: the one wait here that is time itself, kept short.
            try await Task.sleep(for: .seconds(2.1))
            // Asking for 7.5 s of validity: every caller needs a refresh. The provider answers it
            // slowly, so every caller arrives while it is in flight and shares it.
            try await fake.control("faults", #"{"endpoint": "token", "mode": "delay", "delay_ms": 3000}"#)
            let outputs = try await withThrowingTaskGroup(of: (Int32?, String).self) { group in
                for _ in 0..<32 { group.addTask { try await daemon.ctl(["token", "--min-valid", "7.5"]) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(outputs.allSatisfy { $0.0 == 0 }, "\(outputs.filter { $0.0 != 0 })")
            #expect(Set(outputs.map(\.1)).count == 1, "every caller got the same new token")
            let stats = try await fake.stats()
            #expect(stats.refreshes == 1)
            #expect(stats.refreshReuse == 0)
            #expect(await daemon.stop().status == 0)
        }
    }

    @Test("Garbage, oversized and unknown requests get errors; a watcher that hangs up costs nothing; others are still served")
    func robustness() async throws {
        try await withFakeProvider(realTime: true, { $0.pollingInterval = 1 }) { fake in
            let daemon = try DaemonFixture(fake: fake, extraConfig: "[Pairing]\nAutoPair=no\n")
            try daemon.start()
            #expect(await daemon.notify.wait(seconds: 20) { $0 == "READY=1" } != nil)
            let path = daemon.socketPath
            let replies = try await blocking { () throws -> [ControlReply<StatusResult>] in
                let client = try ControlClient(path: path)
                var replies: [ControlReply<StatusResult>] = []
                for raw in ["this is not json", String(repeating: "x", count: 100_000), #"{"method": "reboot"}"#, #"{"id": 3}"#,
                            #"{"method": "token", "min_valid_seconds": "soon"}"#, #"{"method": "status"}"#] {
                    try client.sendRaw(raw + "\n")
                    replies.append(try client.receive(StatusMethod.self, timeout: 10))
                }
                return replies
            }
            #expect(replies.map { $0.error?.code } == ["bad_request", "request_too_large", "unknown_method", "bad_request", "bad_request", nil])
            #expect(replies[4].error?.message.hasPrefix("token: ") == true, "\(replies[4].error?.message ?? "")")
            #expect(replies.last?.result?.status.state == "unpaired")

            // Watchers that vanish mid-stream, many times over.
            for _ in 0..<20 {
                try await blocking {
                    let client = try ControlClient(path: path)
                    try client.send(ControlRequest(WatchMethod.self))
                    _ = try client.receive(WatchMethod.self, timeout: 10)
                }  // the client is closed here, mid-stream
            }
            _ = try await daemon.call(ControlRequest(PairMethod.self))  // a change for the dead watchers to miss
            #expect(try await daemon.call(ControlRequest(StatusMethod.self)).ok)
            #expect(await daemon.stop().status == 0)
        }
    }

    @Test("deviceauthctl: no daemon is one line naming the socket, exit 69; wait --until with and without a timeout")
    func ctlBasics() async throws {
        let missing = try await Subprocess.run(Subprocess.binaryURL("deviceauthctl").path,
                                         ["status", "--socket", "/nonexistent/control.sock"])
        #expect(missing.status == 69)
        #expect(missing.output.split(separator: "\n").count == 1)
        #expect(missing.output.contains("/nonexistent/control.sock"))
        // --instance NAME: the socket of deviceauthd@NAME.service.
        let instance = try await Subprocess.run(Subprocess.binaryURL("deviceauthctl").path,
                                          ["status", "--instance", "no-such-account"])
        #expect(instance.status == 69 && instance.output.contains("/run/deviceauth/no-such-account/control.sock"))
        let both = try await Subprocess.run(Subprocess.binaryURL("deviceauthctl").path,
                                      ["-i", "a", "--socket", "/x", "status"])
        #expect(both.status == 64)
        // As people type it: the version, the list of commands, a typo answered with the nearest command.
        let ctl = Subprocess.binaryURL("deviceauthctl").path
        let version = try await Subprocess.run(ctl, ["--version"])
        #expect(version.status == 0 && version.output == "deviceauthctl \(DeviceAuthVersion.current)\n", "\(version.output)")
        for asked in [["help"], ["--help"]] {
            let help = try await Subprocess.run(ctl, asked)
            #expect(help.status == 0 && ["status", "pair", "token", "wait", "doctor", "help"].allSatisfy { help.output.contains("\n  \($0) ") }, "\(help.output)")
        }
        let pairHelp = try await Subprocess.run(ctl, ["help", "pair"])
        #expect(pairHelp.status == 0 && pairHelp.output.contains("USAGE: deviceauthctl pair"))
        let typo = try await Subprocess.run(ctl, ["paer"])
        #expect(typo.status == 64 && typo.output.hasPrefix(#"deviceauthctl: unknown command "paer" (did you mean "pair"?); the commands are status, pair, cancel"#), "\(typo.output)")
        #expect(typo.output.hasSuffix("\ndeviceauthctl: see 'deviceauthctl --help'\n"), "every line prefixed, as deviceauthctl(1) says: \(typo.output)")
        let helpTypo = try await Subprocess.run(ctl, ["help", "paer"])
        #expect(helpTypo.status == 64 && helpTypo.output.hasPrefix(#"deviceauthctl: unknown command "paer" (did you mean "pair"?)"#), "\(helpTypo.output)")
        let optionTypo = try await Subprocess.run(ctl, ["wait", "--untill", "authorized"])
        #expect(optionTypo.status == 64 && optionTypo.output.hasPrefix("deviceauthctl: unknown option --untill (did you mean --until?)\ndeviceauthctl: see 'deviceauthctl wait --help'"), "\(optionTypo.output)")
        let nothingNear = try await Subprocess.run(ctl, ["frobnicate"])
        #expect(nothingNear.status == 64 && !nothingNear.output.contains("did you mean") && nothingNear.output.contains("the commands are"))

        try await withFakeProvider(realTime: true, { $0.pollingInterval = 1 }) { fake in
            let daemon = try DaemonFixture(fake: fake)
            try daemon.start()
            let code = try #require(await daemon.waitForUserCode())
            let early = try await daemon.ctl(["wait", "--until", "authorized", "--timeout", "0.5"])
            #expect(early.status == 2)
            let status = try await daemon.ctl(["status"])
            #expect(status.output.contains("Code:    \(code)"))
            try await fake.control("approve", #"{"user_code": "\#(code)"}"#)
            let reached = try await daemon.ctl(["wait", "--until", "authorized", "--timeout", "20", "--json"])
            #expect(reached.status == 0)
            #expect(reached.output.contains(#""state":"authorized""#))
            #expect(await daemon.stop().status == 0)
        }
    }

    @Test("deviceauthctl pair shows the code, the URL and a QR code, and follows until paired")
    func ctlPair() async throws {
        try await withFakeProvider(realTime: true, { $0.pollingInterval = 1; $0.autoApproveAfter = 2 }) { fake in
            let daemon = try DaemonFixture(fake: fake, extraConfig: "[Pairing]\nAutoPair=no\n")
            try daemon.start()
            #expect(await daemon.notify.wait(seconds: 20) { $0 == "READY=1" } != nil)
            let result = try await daemon.ctl(["pair"])
            #expect(result.status == 0, "\(result.output)")
            #expect(result.output.contains("To pair this device, open \(fake.baseURL)/device and enter "))
            #expect(result.output.contains("▀") || result.output.contains("▄"))
            #expect(result.output.contains("Scan this code with your smartphone camera to pair your device."))
            #expect(result.output.contains("Waiting for approval… (Ctrl-C stops following; pairing goes on in the daemon)"))
            #expect(result.output.contains("Paired: project Testbed."))
            #expect(await daemon.stop().status == 0)
        }
    }

    @Test("Ctrl-C in deviceauthctl pair: one line saying following stopped and pairing goes on, exit 130; the daemon keeps the code")
    func ctlPairInterrupted() async throws {
        try await withFakeProvider(realTime: true, { $0.pollingInterval = 1 }) { fake in
            let daemon = try DaemonFixture(fake: fake)
            try daemon.start()
            let code = try #require(await daemon.waitForUserCode())
            let pair = try Subprocess(Subprocess.binaryURL("deviceauthctl").path, ["pair", "--socket", daemon.socketPath, "--no-qr"])
            #expect(await pair.waitForOutput("Waiting for approval"), "\(pair.output)")
            pair.signal(SIGINT)
            #expect(await pair.waitForExit(seconds: 5) == 130)
            #expect(pair.output.contains("deviceauthctl: interrupted: stopped following; pairing goes on in deviceauthd"), "\(pair.output)")
            #expect(!pair.output.contains("closed the connection"))
            #expect(try await daemon.call(ControlRequest(StatusMethod.self)).result?.status.userCode == code)
            #expect(await daemon.stop().status == 0)
        }
    }

    @Test("deviceauthctl pair follows code renewals until someone approves")
    func ctlPairFollowsRenewals() async throws {
        try await withFakeProvider(realTime: true, { $0.pollingInterval = 1; $0.deviceCodeLifetime = 2 }) { fake in
            let daemon = try DaemonFixture(fake: fake, extraConfig: "[Pairing]\nAutoPair=no\n")
            try daemon.start()
            #expect(await daemon.notify.wait(seconds: 20) { $0 == "READY=1" } != nil)
            let pairing = try Subprocess("deviceauthctl", ["pair", "--socket", daemon.socketPath, "--no-qr"])
            // Approved once the CLI has shown a renewed code (the second), read from its output.
            let renewed = await pairing.waitForOutput(count: 2, of: "To pair this device", seconds: 20)
            #expect(renewed, "\(pairing.output)")
            try await fake.control("approve", #"{"all": true}"#)
            let result = (status: await pairing.waitForExit(seconds: 60), output: pairing.output)
            #expect(result.status == 0, "\(result.output)")
            let shown = result.output.components(separatedBy: "To pair this device").count - 1
            #expect(shown >= 2, "each new code is shown: \(result.output)")
            #expect(result.output.contains("Paired: project Testbed."))
            #expect(await daemon.stop().status == 0)
        }
    }

    @Test("With QRPairing=no: no verification URL asked for, no QR files, the code alone")
    func withoutQRPairing() async throws {
        try await withFakeProvider(realTime: true, { $0.pollingInterval = 1 }) { fake in
            let daemon = try DaemonFixture(fake: fake, extraConfig: "[Provider]\nQRPairing=no\n")
            try daemon.start()
            let code = try #require(await daemon.waitForUserCode())
            let status = try #require(try await daemon.call(ControlRequest(StatusMethod.self)).result?.status)
            #expect(status.userCode == code)
            #expect(status.verificationURI == nil && status.verificationURIComplete == nil)
            #expect(!FileManager.default.fileExists(atPath: daemon.runtimeDirectory + "/pairing.png"))
            let shown = try await daemon.ctl(["status"])
            #expect(shown.output.contains("Code:    \(code)"))
            #expect(!shown.output.contains("URL:"))
            #expect(await daemon.stop().status == 0)
        }
    }
}

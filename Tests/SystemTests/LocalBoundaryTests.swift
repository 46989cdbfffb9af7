// SPDX-License-Identifier: Apache-2.0
import Control
import ControlProtocol
import DeviceAuth
import DeviceAuthConfig
import Forwarder
import OAuthProvider
import FakeProvider
import Foundation
import JSONCoding
import TestSupport
import Testing

/// The camera's other users and processes, tried against the real daemon: who
/// sees the pairing code, groups from the kernel under `ProtectProc=invisible`,
/// roles decided per request, and a daemon that is not dumpable.
@Suite("Local boundary: pairing code, groups, roles, core dumps", .serialized)
struct LocalBoundaryTests {
    /// The daemon's own uid, and the groups the unit would give it (SupplementaryGroups=).
    static let daemonUID: UInt32 = 4423
    static let viewersGroup: UInt32 = 4422, readersGroup: UInt32 = 4424

    @Test("An observer gets no code, a pairing viewer does; QR files 0640 in the viewers' group; a group reader is served under hidepid; not dumpable")
    func pairingCodeAndGroups() async throws {
        try await withFakeProvider(realTime: true, { $0.pollingInterval = 1 }) { fake in
            let daemon = try DaemonFixture(fake: fake, extraConfig: "[Control]\nPairingViewers=@\(Self.viewersGroup)\nTokenReaders=@\(Self.readersGroup)\n")
            // As the shipped unit runs it: its own user, /proc showing only its own processes.
            try daemon.start(user: Self.daemonUID, groups: [Self.viewersGroup, Self.readersGroup], hideProcesses: true)
            let code = try #require(await daemon.waitForUserCode())

            // Any other user: the state, not the code, and a clear word on who sees it.
            let observer = try await daemon.ctl(["status", "--json"], uid: 4420)
            #expect(observer.status == 0)
            let seen = try JSON.decode(ControlReply<StatusResult>.self, from: Array(observer.output.utf8)).result?.status
            #expect(seen?.state == "polling" && seen?.userCode == nil && seen?.verificationURI == nil && seen?.verificationURIComplete == nil)
            #expect(seen?.codeWithheld == true)
            #expect(!observer.output.contains(code))
            let observerText = try await daemon.ctl(["status"], uid: 4420)
            #expect(observerText.output.contains("Code:    not shown to this user") && !observerText.output.contains(code))
            let observerPair = try await daemon.ctl(["pair", "--no-qr"], uid: 4420)
            #expect(observerPair.status == 77 && !observerPair.output.contains(code))

            // A pairing viewer (the camera's UI, by a supplementary group): the code and the QR files.
            let viewer = try await daemon.ctl(["status", "--json"], uid: 4421, groups: [Self.viewersGroup])
            #expect(try JSON.decode(ControlReply<StatusResult>.self, from: Array(viewer.output.utf8)).result?.status.userCode == code)
            let png = daemon.runtimeDirectory + "/pairing.png", svg = daemon.runtimeDirectory + "/pairing.svg"
            for file in [png, svg] {
                let attributes = try FileManager.default.attributesOfItem(atPath: file)
                #expect(attributes[.posixPermissions] as? Int == 0o640, "\(file)")
                #expect((attributes[.groupOwnerAccountID] as? NSNumber)?.uint32Value == Self.viewersGroup, "\(file)")
            }
            let viewerScan = try await Self.asUser(4421, groups: [Self.viewersGroup], "/usr/bin/zbarimg", ["--nodbus", "--quiet", "--raw", png])
            #expect(viewerScan.output.contains("code=\(code)"))
            #expect(try await Self.asUser(4420, "/bin/cat", [png]).status != 0, "an observer must not read the QR code")

            try await fake.control("approve", #"{"user_code": "\#(code)"}"#)
            #expect(await daemon.notify.waitStatus("authorized: project Testbed", seconds: 20) != nil)
            // A reader by supplementary group, which the daemon cannot see in its /proc.
            let reader = try await daemon.ctl(["token"], uid: 4425, groups: [Self.readersGroup])
            #expect(reader.status == 0)
            let servedToken = reader.output.hasPrefix("FAKEAT_")  // a failure must not print the token
            #expect(servedToken)
            #expect(try await daemon.ctl(["token"], uid: 4425).status == 77, "without the group, no token")

            // Not dumpable: no core file, and its /proc files are root's, not its own user's.
            let pid = try #require(daemon.pid)
            let environ = try FileManager.default.attributesOfItem(atPath: "/proc/\(pid)/environ")
            let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
            #expect(status.contains("Uid:\t\(Self.daemonUID)\t"), "the daemon runs as its own user")
            #expect((environ[.ownerAccountID] as? NSNumber)?.uint32Value == 0)
            let limits = try String(contentsOfFile: "/proc/\(pid)/limits", encoding: .utf8)
            #expect(limits.split(separator: "\n").contains { $0.hasPrefix("Max core file size") && $0.contains(" 0 ") })
            #expect(try await Self.asUser(Self.daemonUID, "/bin/cat", ["/proc/\(pid)/environ"]).status != 0,
                    "its own uid must not read its environment")
            #expect(await daemon.stop().status == 0)
            #expect(daemon.leakedSecrets.isEmpty)
            #expect(!daemon.output.contains(code))
        }
    }

    @Test("A reload that removes a token reader takes effect on the connection it already has open")
    func reloadRemovesReaderOnOpenConnection() async throws {
        try await withFakeProvider(realTime: true, { $0.pollingInterval = 1 }) { fake in
            let daemon = try DaemonFixture(fake: fake, extraConfig: "[Control]\nTokenReaders=4431\n")
            _ = try #require(try await daemon.pair())
            let go = daemon.directory + "/go"
            // One connection: a token, then (once told) a second request on the same connection.
            try requireRoot("a client as uid 4431, through setpriv")
            let client = try Subprocess("/usr/bin/setpriv", ["--reuid=4431", "--regid=4431", "--clear-groups", "/usr/bin/python3", "-c", """
                import json, os, socket, sys, time
                s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); f = s.makefile("rwb")
                def ask():
                    f.write(b'{"method": "token"}\\n'); f.flush()
                    reply = json.loads(f.readline())
                    print("ok" if reply["ok"] else reply["error"]["code"], flush=True)
                ask()
                deadline = time.monotonic() + 20
                while not os.path.exists(sys.argv[2]) and time.monotonic() < deadline: time.sleep(0.05)
                ask()
                """, daemon.socketPath, go])
            #expect(await Self.waitFor("ok\n", in: client, seconds: 10))
            try daemon.writeConfig("[Control]\nTokenReaders=\n")
            daemon.daemon?.signal(SIGHUP)
            #expect(await daemon.notify.wait(seconds: 10) { $0 == "RELOADING=1" } != nil)
            #expect(await Self.waitFor("configuration reloaded", in: daemon, seconds: 10))
            _ = FileManager.default.createFile(atPath: go, contents: nil)
            #expect(await client.waitForExit(seconds: 20) == 0)
            #expect(client.output == "ok\npermission_denied\n")
            #expect(await daemon.stop().status == 0)
        }
    }

    @Test("Every MESSAGE_ID the daemon logs has its catalog entry and its row in docs/operations.md")
    func messageIDsDocumented() throws {
        let catalog = try String(contentsOf: ShippedFilesTests.repository.appendingPathComponent("systemd/deviceauthd.catalog"), encoding: .utf8)
        let operations = try String(contentsOf: ShippedFilesTests.repository.appendingPathComponent("docs/operations.md"), encoding: .utf8)
        let ids = PairingLog.Kind.allCases.map { ("\($0)", $0.messageID) } + NetworkFault.Kind.allCases.map { ("network fault \($0)", $0.messageID) }
        #expect(Set(ids.map(\.1)).count == ids.count, "a MESSAGE_ID is used twice")
        for (kind, id) in ids {
            #expect(catalog.contains("\n-- \(id)\nSubject: "), "\(kind) has no catalog entry")
            #expect(operations.contains("| `\(id)` |"), "\(kind) has no row in docs/operations.md")
        }
    }

    @Test("The shipped units forbid core files and give the default MaxConnections= its descriptors, beside the API forwarder's at its default cap")
    func unitsForbidCores() throws {
        let forwarder = ForwarderSettings.descriptorsPerConnection * DaemonConfiguration().forwarderMaxConnections
        for unit in ["deviceauthd.service", "deviceauthd@.service"] {
            let text = try String(contentsOf: ShippedFilesTests.repository.appendingPathComponent("systemd/" + unit), encoding: .utf8)
            let lines = text.split(separator: "\n")
            #expect(lines.contains("LimitCORE=0"), "\(unit)")
            let nofile = try #require(lines.first { $0.hasPrefix("LimitNOFILE=") }.flatMap { Int($0.dropFirst("LimitNOFILE=".count)) }, "\(unit)")
            var limits = ConnectionLimits()
            #expect(limits.fit(descriptorLimit: nofile - forwarder) == nil, "\(unit): LimitNOFILE=\(nofile) does not fit MaxConnections=\(limits.total) and the forwarder's \(forwarder)")
        }
    }

    @Test("A password goes into the request line escaped, and decodes back exactly", arguments: ["plain", #"q"uo\te"#, "tab\tnew\nline\u{7F}", "ünïcødé €"])
    func passwordLine(password: String) throws {
        let directory = "/tmp/da-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // A socket pair would do, but the client only connects to a path: listen on one.
        let path = directory + "/s.sock"
        let server = listenUnix(path)
        defer { close(server) }
        let client = try ControlClient(path: path)
        let connection = accept(server, nil, nil)
        defer { close(connection) }
        var bytes = Array(password.utf8)
        try client.sendPasswordLogin(username: "a@b.c", password: &bytes)
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = read(connection, &buffer, buffer.count)
        let line = Array(buffer.prefix(max(0, count)))
        #expect(line.last == UInt8(ascii: "\n") && line.filter { $0 == UInt8(ascii: "\n") }.count == 1)
        let request = try JSONParser.parse(Array(line.dropLast()))
        #expect(try JSON.decode(ControlRequestHead.self, from: request).method == "login_password")
        let parameters = try JSON.decode(LoginPasswordParameters.self, from: request)
        #expect(parameters.username == "a@b.c" && parameters.password == password)
    }

    static func asUser(_ uid: UInt32, groups: [UInt32] = [], _ program: String, _ arguments: [String]) async throws -> (status: Int32?, output: String) {
        try requireRoot("\(program) as uid \(uid), through setpriv")
        return try await Subprocess.run("/usr/bin/setpriv", ["--reuid=\(uid)", "--regid=\(uid)",
            groups.isEmpty ? "--clear-groups" : "--groups=" + groups.map(String.init).joined(separator: ","), program] + arguments)
    }

    static func waitFor(_ text: String, in program: Subprocess, seconds: Double) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while !program.output.contains(text) && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        return program.output.contains(text)
    }

    static func waitFor(_ text: String, in daemon: DaemonFixture, seconds: Double) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while !daemon.output.contains(text) && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        return daemon.output.contains(text)
    }
}

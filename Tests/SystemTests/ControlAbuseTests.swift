// SPDX-License-Identifier: Apache-2.0
import ControlProtocol
import FakeProvider
import Foundation
import TestSupport
import Testing

/// Any local user may connect to the control socket: the caps, the idle
/// timeout and the line limit, tried by a hostile client as another user.
@Suite("Control socket under abuse", .serialized)
struct ControlAbuseTests {
    static let flood = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Scripts/control-flood.py").path

    @Test("Five hundred watches from one user: 8 are served, the rest refused at once; the token path is not starved", .timeLimit(.minutes(1)),
          .needsRoot("setpriv to other uids"))
    func watchFlood() async throws {
        try await withFakeProvider(realTime: true, { $0.pollingInterval = 1 }) { fake in
            let daemon = try DaemonFixture(fake: fake, extraConfig: "[Control]\nTokenReaders=4311\n")
            _ = try #require(try await daemon.pair())
            let result = daemon.directory + "/flood.json"
            // The flooding user must be able to read the script.
            let script = daemon.directory + "/control-flood.py"
            try FileManager.default.copyItem(atPath: Self.flood, toPath: script)
            chmod(script, 0o755)
            _ = FileManager.default.createFile(atPath: result, contents: nil)
            chmod(result, 0o666)
            let flooder = try Subprocess("/usr/bin/setpriv", ["--reuid=4310", "--regid=4310", "--clear-groups",
                                                              "/usr/bin/python3", script, daemon.socketPath, "500", result])
            let report = try #require(await flooder.waitForFile(result, seconds: 40), "\(flooder.output)")
            let counts = try #require(try JSONSerialization.jsonObject(with: Data(report.utf8)) as? [String: Any])
            #expect(counts["watching"] as? Int == 8)
            // A refusal closes without reading the request, so a client may see a reset
            // instead of the error line: both are refusals.
            let refused = (counts["refused"] as? Int ?? 0) + (counts["failed"] as? Int ?? 0)
            #expect(refused == 492)
            #expect(counts["refused"] as? Int ?? 0 > 400, "most refusals say why: \(report)")
            #expect(counts["codes"] as? [String] == ["too_many_connections"])
            // While the flood holds its connections, a token reader and root are served.
            let reader = try await daemon.ctl(["token"], uid: 4311)
            #expect(reader.status == 0)
            let gotToken = reader.output.hasPrefix("FAKEAT_")  // a failure must not print the token
            #expect(gotToken)
            #expect(try await daemon.ctl(["status"], uid: 4312).status == 0, "another observer still gets the status")
            #expect(try await daemon.call(ControlRequest(StatusMethod.self)).ok)
            flooder.signal(SIGTERM)
            _ = await flooder.waitForExit(seconds: 10)
            #expect(await daemon.stop().status == 0)
            #expect(daemon.output.contains("control: refusing connections: uid 4310 already has 8 connections open (at most 8)"))
            #expect(daemon.output.components(separatedBy: "control: refusing connections").count == 2, "one warning, not a thousand")
        }
    }

    @Test("20,000 refused token requests on one connection add one line to the log, not thousands", .timeLimit(.minutes(1)),
          .needsRoot("setpriv to other uids"))
    func logFlood() async throws {
        try await withFakeProvider(realTime: true, { $0.pollingInterval = 1 }) { fake in
            let daemon = try DaemonFixture(fake: fake)
            _ = try #require(try await daemon.pair())
            let before = daemon.output.split(separator: "\n").count
            // One connection, 20,000 requests, every reply read: all are refused.
            let sender = """
                import json, socket, sys, threading
                s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.settimeout(20)
                # Written from a thread while replies are read: the daemon stops reading
                # while its replies are not taken (backpressure), as it should.
                threading.Thread(target=s.sendall, args=(b'{"method": "token"}\\n' * 20000,), daemon=True).start()
                data = b""
                while data.count(b"\\n") < 20000:
                    chunk = s.recv(1 << 16)
                    if not chunk: break
                    data += chunk
                codes = {json.loads(line)["error"]["code"] for line in data.splitlines()}
                print(data.count(b"\\n"), sorted(codes))
                """
            let flooder = try Subprocess("/usr/bin/setpriv", ["--reuid=4320", "--regid=4320", "--clear-groups",
                                                              "/usr/bin/python3", "-c", sender, daemon.socketPath])
            let exit = await flooder.waitForExit(seconds: 40)
            #expect(exit == 0, "\(flooder.output)")
            #expect(flooder.output.contains("20000 ['permission_denied']"), "\(flooder.output)")
            #expect(try await daemon.call(ControlRequest(StatusMethod.self)).ok, "the daemon goes on")
            let lines = daemon.output.split(separator: "\n").dropFirst(before)
            let refusals = lines.filter { $0.contains("control: refused token to") }
            print("log flood: 20000 refused requests added \(lines.count) log lines, \(refusals.count) about the refusals")
            #expect(refusals.count == 1, "\(refusals)")
            #expect(lines.count < 5, "\(lines.joined(separator: "\n"))")
            #expect(await daemon.stop().status == 0)
        }
    }

    @Test("An idle connection is closed after IdleTimeoutSec=; a watch is not", .timeLimit(.minutes(1)))
    func idleTimeout() async throws {
        try await withFakeProvider(realTime: true, { $0.pollingInterval = 1 }) { fake in
            let daemon = try DaemonFixture(fake: fake, extraConfig: "[Control]\nIdleTimeoutSec=0.5\n")
            try daemon.start()
            _ = try #require(await daemon.waitForUserCode())
            let path = daemon.socketPath
            let outcome = try await blocking { () throws -> (idleClosed: Bool, watchAlive: Bool) in
                let idle = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
                let watch = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
                defer { close(idle); close(watch) }
                for fd in [idle, watch] { try Self.connect(fd, path) }
                _ = Array(#"{"method": "watch"}"#.utf8 + [10]).withUnsafeBytes { write(watch, $0.baseAddress, $0.count) }
                Thread.sleep(forTimeInterval: 1.5)
                let status = Array(#"{"method": "status"}"#.utf8 + [10]).withUnsafeBytes { send(watch, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                return (!Self.stillOpen(idle), status > 0 && Self.stillOpen(watch))
            }
            #expect(outcome.idleClosed)
            #expect(outcome.watchAlive)
            #expect(await daemon.stop().status == 0)
        }
    }

    @Test("An endless line (8 MiB without a newline) is refused once; the connection and the daemon go on", .timeLimit(.minutes(1)))
    func endlessLine() async throws {
        try await withFakeProvider(realTime: true, { $0.pollingInterval = 1 }) { fake in
            let daemon = try DaemonFixture(fake: fake)
            try daemon.start()
            _ = try #require(await daemon.waitForUserCode())
            let result = daemon.directory + "/line.json"
            let sender = try Subprocess("/usr/bin/python3", [Self.flood, daemon.socketPath, "--endless-line", "\(8 << 20)", result])
            let report = try #require(await sender.waitForFile(result, seconds: 30))
            #expect(report.contains(#""codes": ["request_too_large", null]"#), "\(report)")
            #expect(report.contains(#""states": [null, "polling"]"#), "\(report)")
            let pid = try #require(daemon.daemon?.process.processIdentifier)
            let rss = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
                .split(separator: "\n").first { $0.hasPrefix("VmRSS:") }.flatMap { Int($0.split(separator: " ")[1]) } ?? 0
            #expect(rss < 64 * 1024, "the line was not kept: \(rss) KiB resident")
            #expect(await daemon.stop().status == 0)
        }
    }

    static func connect(_ fd: Int32, _ path: String) throws {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, byte) in path.utf8.enumerated() where i < raw.count - 1 { raw[i] = byte }
        }
        let status = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard status == 0 else { throw POSIXError(.ECONNREFUSED) }
    }

    /// True while the peer has not closed: nothing to read within a second, or data
    /// that is not an end of file. Never blocks for longer.
    static func stillOpen(_ fd: Int32) -> Bool {
        var buffer = [UInt8](repeating: 0, count: 4096)
        var pending = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&pending, 1, 1000) > 0 else { return true }
        return recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT)) > 0
    }
}

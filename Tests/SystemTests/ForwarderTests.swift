// SPDX-License-Identifier: Apache-2.0
import FakeProvider
import Foundation
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The API forwarder through the real daemon and curl, as the camera's other users would
/// use it: uid 4431 is a token reader, uid 4430 anyone else.
@Suite("API forwarder", .serialized)
struct ForwarderTests {
    static let reader: UInt32 = 4431, stranger: UInt32 = 4430

    /// A paired daemon with the forwarder on `<directory>/api.sock`.
    /// - Parameter refresh: lines for the fixture's [Refresh] section (a later line wins).
    static func paired(_ fake: FakeHarness, refresh: String = "", forwarder: String = "") async throws -> (DaemonFixture, String) {
        let daemon = try DaemonFixture(fake: fake)
        let socket = daemon.directory + "/api.sock"
        try daemon.writeConfig(refresh + "[Control]\nTokenReaders=\(reader)\nMetrics=yes\n[Forwarder]\nSocket=\(socket)\n" + forwarder)
        _ = try #require(try await daemon.pair())
        return (daemon, socket)
    }

    /// curl through the forwarder as `uid` (root when nil): the status, then the body.
    static func curl(_ socket: String, _ url: String, uid: UInt32? = nil, _ extra: [String] = []) async throws -> (status: Int, body: String) {
        var command = ["/usr/bin/curl", "-s", "-m", "30", "--unix-socket", socket, "-w", "\n%{http_code}"] + extra + [url]
        if let uid { command = ["/usr/bin/setpriv", "--reuid=\(uid)", "--regid=\(uid)", "--clear-groups"] + command }
        let run = try await Subprocess.run(command[0], Array(command.dropFirst()), seconds: 60)
        let lines = run.output.split(separator: "\n", omittingEmptySubsequences: false)
        return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test("A token reader's request reaches the provider with the live token and without its own Authorization; an observer gets 403; another host is refused",
          .needsRoot("curl as other uids, through setpriv"), .needsProgram("/usr/bin/curl", from: "curl"))
    func roles() async throws {
        try await withFakeProvider(realTime: true, { $0.pollingInterval = 1 }) { fake in
            let (daemon, socket) = try await Self.paired(fake)
            let token = try await daemon.ctl(["token"]).output.trimmingCharacters(in: .whitespacesAndNewlines)
            // deviceauthctl status names the socket, to anyone; the doctor checks it as it checks the control socket.
            #expect(try await daemon.ctl(["status"], uid: Self.stranger).output.contains("API:     \(socket) (curl --unix-socket \(socket) http://provider/PATH)"))
            let doctor = try await daemon.ctl(["doctor"]).output
            #expect(doctor.contains("ok    forwarder_socket \(socket): mode 0666") && doctor.contains("every user can connect; roles decide the rest"), "\(doctor)")
            let reader = try await Self.curl(socket, "http://provider/v2/echo?page=2", uid: Self.reader, ["-H", "Authorization: Bearer the-clients-own"])
            #expect(reader.status == 200, "\(DaemonFixture.redacted(reader.body))")
            let echo = try Self.json(reader.body)
            #expect(echo["bearer"] as? String == token)
            // What a failure message shows of an echo: the token cut to its marker.
            #expect(DaemonFixture.redacted(reader.body).contains("\"bearer\":\"FAKEAT_<redacted>\"") && !DaemonFixture.redacted(reader.body).contains(token))
            #expect(echo["authorization_headers"] as? Int == 1)
            #expect(echo["path"] as? String == "/v2/echo" && echo["query"] as? String == "page=2")

            let stranger = try await Self.curl(socket, "http://provider/v2/echo", uid: Self.stranger)
            #expect(stranger.status == 403)
            #expect(try Self.json(stranger.body)["error"] as? String == "permission_denied")
            #expect(stranger.body.contains("token reader"), "\(stranger.body)")

            for url in ["http://evil.example/v2/echo", "http://127.0.0.2:1/v2/echo"] {
                let elsewhere = try await Self.curl(socket, url, uid: Self.reader)
                #expect(elsewhere.status == 421, "\(url): \(DaemonFixture.redacted("\(elsewhere)"))")
            }
            // Absolute form, as to a proxy: only for the provider.
            let absolute = try await Self.curl(socket, "http://evil.example/v2/echo", uid: Self.reader, ["--request-target", "http://evil.example/v2/echo"])
            #expect(absolute.status == 421)
            #expect(try await fake.stats().refreshes == 0)
            // Counted by class in the metrics file (Metrics=yes): one 200, four refusals. The
            // forwarder's counts are written at most once a second: awaited (bounded).
            var metrics = ""
            for _ in 0..<50 {
                metrics = (try? String(contentsOfFile: daemon.runtimeDirectory + "/metrics.prom", encoding: .utf8)) ?? ""
                if metrics.contains("deviceauthd_forwarder_requests_total{class=\"4xx\"} 4\n") { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(metrics.contains("deviceauthd_forwarder_requests_total{class=\"2xx\"} 1\n") && metrics.contains("deviceauthd_forwarder_requests_total{class=\"4xx\"} 4\n"),
                    "\(metrics)")
            #expect(await daemon.stop().status == 0)
            #expect(daemon.leakedSecrets.isEmpty)
            #expect(!daemon.output.contains(token))
        }
    }

    @Test("An access token the provider no longer takes costs one refresh and one retry; the caller sees only the 200",
          .needsProgram("/usr/bin/curl", from: "curl"))
    func expiredAccessToken() async throws {
        try await withFakeProvider(realTime: true, { $0.pollingInterval = 1 }) { fake in
            // No heartbeat for a while: its own 401 would refresh first, and the request would need none.
            let (daemon, socket) = try await Self.paired(fake, refresh: "HeartbeatSec=290\n")
            let before = try await daemon.ctl(["token"]).output.trimmingCharacters(in: .whitespacesAndNewlines)
            try await fake.control("expire-access")
            let answer = try await Self.curl(socket, "http://provider/v2/echo", ["-X", "POST", "--data-binary", "a small body"])
            #expect(answer.status == 200, "\(DaemonFixture.redacted(answer.body))")
            let echo = try Self.json(answer.body)
            #expect(echo["bearer"] as? String != before && echo["body_bytes"] as? Int == 12)
            let stats = try await fake.stats()
            #expect(stats.refreshes == 1)
            #expect(stats.echoes == 2 && stats.echoesRefused == 1, "one 401, one retry: \(stats.echoes) calls, \(stats.echoesRefused) refused")
            #expect(daemon.output.contains("the provider refused the access token (HTTP 401 to a forwarded request): refreshing"))
            #expect(await daemon.stop().status == 0)
        }
    }

    @Test("Ten callers refused together cause one refresh; each sees its 200",
          .needsProgram("/usr/bin/curl", from: "curl"))
    func tenCallersOneRefresh() async throws {
        try await withFakeProvider(realTime: true, { $0.pollingInterval = 1 }) { fake in
            let (daemon, socket) = try await Self.paired(fake)
            try await fake.control("expire-access")
            let answers = try await withThrowingTaskGroup(of: (status: Int, body: String).self) { group in
                for index in 0..<10 { group.addTask { try await Self.curl(socket, "http://provider/v2/echo?caller=\(index)") } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(answers.allSatisfy { $0.status == 200 }, "\(DaemonFixture.redacted("\(answers.filter { $0.status != 200 })"))")
            #expect(Set(try answers.map { try Self.json($0.body)["bearer"] as? String }).count == 1, "every caller went with the one new token")
            let stats = try await fake.stats()
            #expect(stats.refreshes == 1)
            #expect(stats.echoesRefused <= 10 && stats.echoes == 10 + stats.echoesRefused)
            #expect(await daemon.stop().status == 0)
        }
    }

    @Test("The provider's 429 and its Retry-After reach the caller unchanged; an authorization the provider ended answers 401 saying the camera must pair again",
          .needsProgram("/usr/bin/curl", from: "curl"))
    func providerAnswers() async throws {
        try await withFakeProvider(realTime: true, { $0.pollingInterval = 1 }) { fake in
            let (daemon, socket) = try await Self.paired(fake)
            try await fake.control("faults", #"{"endpoint": "echo", "mode": "status", "status": 429, "retry_after": 7}"#)
            let limited = try await Self.curl(socket, "http://provider/v2/echo", ["-D", "-"])
            #expect(limited.status == 429 && limited.body.lowercased().contains("retry-after: 7"), "\(limited.body)")
            #expect(try await fake.stats().refreshes == 0, "a 429 is not a reason to refresh")

            try await fake.control("revoke-all")
            let ended = try await Self.curl(socket, "http://provider/v2/echo")
            #expect(ended.status == 401, "\(ended.body)")
            #expect(try Self.json(ended.body)["error"] as? String == "not_authorized")
            #expect(ended.body.contains("must pair (or log in) again"), "\(ended.body)")
            // The daemon knows it too, and pairs again by itself (AutoPair=yes).
            #expect(await daemon.notify.waitStatus("polling", seconds: 10) != nil, "\(daemon.notify.assignments.suffix(3))")
            #expect(await daemon.stop().status == 0)
        }
    }

    @Test("A client that sends a byte now and then is cut off at TimeoutSec=, and holds up nobody meanwhile",
          .needsProgram("/usr/bin/curl", from: "curl"))
    func dribbler() async throws {
        try await withFakeProvider(realTime: true, { $0.pollingInterval = 1 }) { fake in
            let (daemon, socket) = try await Self.paired(fake, forwarder: "IdleTimeoutSec=3\nTimeoutSec=3\n")
            let dribbling = try connectUnix(socket)
            defer { close(dribbling) }
            let head = Array("PUT /v2/echo HTTP/1.1\r\nHost: provider\r\nContent-Length: 100000\r\n\r\n".utf8)
            _ = head.withUnsafeBytes { send(dribbling, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            // One byte a second, under the idle timeout, until the daemon closes the connection (bounded).
            var closed = false
            let begun = ContinuousClock.now
            for round in 0..<20 where !closed {
                let sent = [UInt8(ascii: "x")].withUnsafeBytes { send(dribbling, $0.baseAddress, 1, Int32(MSG_NOSIGNAL)) }
                if sent < 0 { closed = true; break }
                var byte: UInt8 = 0
                let count = recv(dribbling, &byte, 1, Int32(MSG_DONTWAIT))
                if count == 0 || (count < 0 && errno != EAGAIN && errno != EWOULDBLOCK) { closed = true; break }
                if round == 1 { #expect(try await Self.curl(socket, "http://provider/v2/echo").status == 200, "served beside the dribbler") }
                try await Task.sleep(for: .seconds(1))
            }
            #expect(closed, "the dribbling connection was never cut off")
            #expect(ContinuousClock.now - begun >= .seconds(2), "cut off before its time")
            #expect(daemon.output.contains("ran past TimeoutSec=3: its connection is closed"))
            #expect(await daemon.stop().status == 0)
        }
    }

    /// The first fenced block of `language` in the section of docs/forwarder.md headed
    /// `## From …` of that language, pointed at this test's socket and at the fake's echo
    /// (the docs call Frame.io's `/v2/me`).
    static func documented(_ language: String, socket: String) throws -> String {
        let headings = ["sh": "## From a shell", "python": "## From Python", "c": "## From C"]
        let text = try String(contentsOfFile: Subprocess.packageDirectory + "/docs/forwarder.md", encoding: .utf8)
        let heading = try #require(headings[language])
        let section = try #require(text.range(of: heading))
        let start = try #require(text.range(of: "```\(language)\n", range: section.upperBound..<text.endIndex))
        let rest = text[start.upperBound...]
        let block = String(rest[..<(try #require(rest.range(of: "```"))).lowerBound])
        return block.replacingOccurrences(of: "/run/deviceauth/api.sock", with: socket).replacingOccurrences(of: "/v2/me", with: "/v2/echo")
    }

    @Test("The examples of docs/forwarder.md work as written: curl, Python, and the C program with libcurl",
          .needsProgram("/usr/bin/curl", from: "curl"), .needsProgram("/usr/bin/python3", from: "python3"),
          .enabled(if: DaemonFixture.cCompiler != nil, "needs a C compiler for the C example"))
    func documentedExamples() async throws {
        try await withFakeProvider(realTime: true, { $0.pollingInterval = 1 }) { fake in
            let (daemon, socket) = try await Self.paired(fake)
            let shell = try Self.documented("sh", socket: socket).split(separator: "\n").first.map(String.init) ?? ""
            let curl = try await Subprocess.run("/bin/sh", ["-c", shell], seconds: 30)
            #expect(curl.status == 0 && curl.output.contains("\"path\":\"/v2/echo\""), "\(shell): \(DaemonFixture.redacted(curl.output))")

            let python = daemon.directory + "/example.py"
            try Self.documented("python", socket: socket).write(toFile: python, atomically: true, encoding: .utf8)
            let fromPython = try await Subprocess.run("/usr/bin/python3", [python], seconds: 30)
            #expect(fromPython.status == 0 && fromPython.output.hasPrefix("200 {"), "\(DaemonFixture.redacted(fromPython.output))")

            let source = daemon.directory + "/example.c", binary = daemon.directory + "/example"
            try Self.documented("c", socket: socket).write(toFile: source, atomically: true, encoding: .utf8)
            let compiled = try await Subprocess.run(try #require(DaemonFixture.cCompiler), [source, "-o", binary, "-lcurl"], seconds: 60)
            try #require(compiled.status == 0, "\(compiled.output)")
            let fromC = try await Subprocess.run(binary, [], seconds: 30)
            #expect(fromC.status == 0 && fromC.output.contains("HTTP 200"), "\(DaemonFixture.redacted(fromC.output))")
            #expect(await daemon.stop().status == 0)
        }
    }

    @Test("Through tinyproxy to an HTTPS provider trusted by CAFile=: the forwarded request tunnels with CONNECT like every other call",
          .needsProgram("/usr/bin/curl", from: "curl"))
    func proxyAndPrivateCA() async throws {
        try await withFakeProvider(realTime: true, { $0.pollingInterval = 1; $0.publicScheme = "https" }) { fake in
            try await HTTPSTests.withFront(fake) { ca, front in
                let proxy = try await TestProxy(directory: ca.directory, credentials: "camera s3cret-proxy-pass")
                let daemon = try DaemonFixture(fake: fake, provider: "BaseURL=https://localhost:\(front.port)\nClientID=proxied-camera\nCAFile=\(ca.certificate)")
                let socket = daemon.directory + "/api.sock"
                try daemon.writeConfig("[Network]\nProxy=\(proxy.url)\nProxyCredentialsFile=\(ProxyTests.credentials(ca.directory))\n[Forwarder]\nSocket=\(socket)\n")
                _ = try #require(try await daemon.pair(), "\(daemon.notify.assignments)")
                let before = proxy.connects.count
                let answer = try await Self.curl(socket, "http://provider/v2/echo?through=proxy")
                #expect(answer.status == 200, "\(DaemonFixture.redacted(answer.body))")
                #expect(try Self.json(answer.body)["query"] as? String == "through=proxy")
                // The upstream is the HTTPS front, by its own name: another CONNECT to it, nothing else.
                let connects = proxy.connects
                #expect(connects.count > before && connects.allSatisfy { $0 == "CONNECT localhost:\(front.port)" }, "\(connects)")
                #expect(try await Self.curl(socket, "http://localhost:\(front.port)/v2/echo", ["--request-target", "https://localhost:\(front.port)/v2/echo"]).status == 200)
                #expect(await daemon.stop().status == 0)
                #expect(!daemon.output.contains("s3cret-proxy-pass") && daemon.leakedSecrets.isEmpty)
                await proxy.stop()
            }
        }
    }

    /// A field of /proc/PID/status, in KiB.
    static func statusKiB(_ field: String, pid: Int32) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        return text.split(separator: "\n").first { $0.hasPrefix(field + ":") }
            .flatMap { Int($0.split(separator: " ", omittingEmptySubsequences: true)[1]) }
    }

    /// Against the fake provider as a program of its own: 200 MB through the fake inside the
    /// test process would starve the other suites' fakes of its threads.
    @Test("100 MB up and 100 MB down stream through: the provider gets every byte, and the daemon's anonymous memory grows by less than 4 MB",
          .needsProgram("/usr/bin/curl", from: "curl"), .timeLimit(.minutes(3)))
    func largeBodies() async throws {
        let (program, fake) = try await FakeProviderProgramTests().start(["--interval", "1"])
        do {
            let (daemon, socket) = try await Self.paired(fake)
            let pid = try #require(daemon.pid)
            _ = try await Self.curl(socket, "http://provider/v2/echo")  // the forwarder's first request: its threads and buffers exist
            let idle = try #require(Self.statusKiB("RssAnon", pid: pid))
            let file = daemon.directory + "/upload.bin"
            _ = FileManager.default.createFile(atPath: file, contents: nil)
            let handle = try #require(FileHandle(forWritingAtPath: file))
            let megabyte = Data(count: 1 << 20)
            for _ in 0..<100 { handle.write(megabyte) }
            try handle.close()
            // Sampled while the bodies stream: the most the daemon held, not only what it kept.
            let sampling = Task { () -> Int in
                var most = 0
                while !Task.isCancelled {
                    most = max(most, Self.statusKiB("RssAnon", pid: pid) ?? 0)
                    try? await Task.sleep(for: .milliseconds(20))
                }
                return most
            }
            let up = try await Self.curl(socket, "http://provider/v2/echo", ["-X", "PUT", "--data-binary", "@" + file])
            let down = try await Subprocess.run("/usr/bin/curl", ["-s", "-m", "120", "--unix-socket", socket, "-o", "/dev/null",
                                                                "-w", "%{http_code} %{size_download}", "http://provider/v2/echo?reply_bytes=104857600"], seconds: 150)
            sampling.cancel()
            let most = await sampling.value
            #expect(up.status == 200, "\(up.body.prefix(300))")
            let echo = try Self.json(up.body)
            #expect(echo["body_bytes"] as? Int == 104_857_600)
            // SHA-256 of 100 MiB of zeros.
            #expect(echo["body_sha256"] as? String == "20492a4d0d84f8beb1767f6616229f85d44c2827b64bdbfb260ee12fa1109e0e")
            #expect(down.output == "200 104857600", "\(down.output)")
            #expect(most - idle < 4096, "anonymous memory grew from \(idle) KiB to \(most) KiB while 100 MB streamed")
            #expect(await daemon.stop().status == 0)
        }
        program.signal(SIGTERM)
        _ = await program.waitForExit(seconds: 10)
    }

    /// A Python client as `uid` (root when nil): holds `held` requests open (downloads it
    /// does not read, each awaited until its 200 shows it admitted; one refused while the
    /// daemon still counts an earlier client's is tried again, bounded), then asks once more
    /// and prints that answer's status line, or "closed" when the connection ended without one.
    static func overCap(_ socket: String, held: Int, uid: UInt32?) async throws -> String {
        let script = """
            import socket, sys, time
            path, held = sys.argv[1], int(sys.argv[2])
            def connect():
                s = socket.socket(socket.AF_UNIX); s.settimeout(20); s.connect(path); return s
            def status_line(s):
                data = b""
                while b"\\r\\n" not in data:
                    chunk = s.recv(1)
                    if not chunk: return "closed"
                    data += chunk
                return data.split(b"\\r\\n")[0].decode()
            def ask(target, close=False):
                try:
                    s = connect()
                    s.sendall(b"GET " + target + b" HTTP/1.1\\r\\nHost: provider\\r\\n" + (b"Connection: close\\r\\n" if close else b"") + b"\\r\\n")
                    return s, status_line(s)
                except OSError:
                    return None, "closed"
            kept = []
            for _ in range(held):
                for attempt in range(50):
                    s, line = ask(b"/v2/echo?reply_bytes=100000000")
                    if " 200 " in line: break
                    time.sleep(0.1)
                else:
                    print("held:", line); sys.exit(1)
                kept.append(s)
            print(ask(b"/v2/echo", close=True)[1])
            """
        var command = ["/usr/bin/python3", "-c", script, socket, String(held)]
        if let uid { command = ["/usr/bin/setpriv", "--reuid=\(uid)", "--regid=\(uid)", "--clear-groups"] + command }
        return try await Subprocess.run(command[0], Array(command.dropFirst()), seconds: 90).output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test("Caps: a token reader holds at most 16 requests at once (429), everyone together [Forwarder] MaxConnections= (the next connection is closed); their descriptors are counted before the control socket's",
          .needsRoot("a token reader's uid, through setpriv"), .needsProgram("/usr/bin/python3", from: "python3"))
    func caps() async throws {
        try await withFakeProvider(realTime: true, { $0.pollingInterval = 1 }) { fake in
            let (daemon, socket) = try await Self.paired(fake, forwarder: "MaxConnections=20\n")
            let reader = try await Self.overCap(socket, held: 16, uid: Self.reader)
            #expect(reader.hasPrefix("HTTP/1.1 429"), "\(reader)")
            // Root has no per-uid cap: the 21st connection from everyone is the one refused.
            let everyone = try await Self.overCap(socket, held: 20, uid: nil)
            #expect(everyone == "closed", "\(everyone)")
            // Served again once they are gone (the daemon sees them close: awaited, bounded).
            var again = 0
            for _ in 0..<50 where again != 200 {
                again = try await Self.curl(socket, "http://provider/v2/echo", uid: Self.reader).status
                if again != 200 { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(again == 200, "not served once the held connections were gone")
            #expect(await daemon.stop().status == 0)
            // A LimitNOFILE= that the forwarder's 40 descriptors crowd: the control socket serves fewer, saying why.
            let earlier = daemon.notify.assignments.count
            try daemon.start(descriptorLimit: 160)
            #expect(await daemon.notify.waitStatus("authorized", seconds: 20, after: earlier) != nil)
            #expect(!daemon.output.contains("cannot write the metrics"), "forwarder threads racing to write metrics.prom")
            #expect(daemon.output.contains("beside the API forwarder's 40 ([Forwarder] MaxConnections=20, two each): serving at most 40 control connections"), "\(daemon.output)")
            #expect(await daemon.stop().status == 0)
        }
    }

    @Test("Rounds of requests from 8 clients at once leave the daemon's memory where the first round left it: nothing of a request outlives it",
          .needsProgram("/usr/bin/curl", from: "curl"))
    func noLeakPerRequest() async throws {
        try await withFakeProvider(realTime: true, { $0.pollingInterval = 1 }) { fake in
            let (daemon, socket) = try await Self.paired(fake)
            let pid = try #require(daemon.pid)
            /// 8 curl processes at once, each asking 100 times over one connection.
            func round() async throws {
                try await withThrowingTaskGroup(of: Int32?.self) { group in
                    for _ in 0..<8 {
                        group.addTask {
                            let urls = Array(repeating: ["-o", "/dev/null", "http://provider/v2/echo"], count: 100).flatMap { $0 }
                            return try await Subprocess.run("/usr/bin/curl", ["-s", "-f", "--unix-socket", socket] + urls, seconds: 60).status
                        }
                    }
                    for try await status in group { #expect(status == 0) }
                }
            }
            try await round()  // the first: threads, buffers and caches come to exist
            let before = try #require(Self.statusKiB("RssAnon", pid: pid))
            for _ in 0..<3 { try await round() }
            let after = try #require(Self.statusKiB("RssAnon", pid: pid))
            // Each request's transfer and its sink once held each other: 2,400 requests grew it by some 14 MiB.
            #expect(after - before < 2048, "anonymous memory grew from \(before) to \(after) KiB over 2,400 requests")
            #expect(await daemon.stop().status == 0)
        }
    }

    @Test("A half-sent request and a silent connection are closed after IdleTimeoutSec=, and hold up nobody meanwhile",
          .needsProgram("/usr/bin/curl", from: "curl"))
    func slowConnections() async throws {
        try await withFakeProvider(realTime: true, { $0.pollingInterval = 1 }) { fake in
            let (daemon, socket) = try await Self.paired(fake, forwarder: "IdleTimeoutSec=2\n")
            let silent = try connectUnix(socket), half = try connectUnix(socket)
            defer { close(silent); close(half) }
            let partial = Array("POST /v2/echo HTTP/1.1\r\nHost: provider\r\nContent-Length: 100\r\n\r\nonly part".utf8)
            _ = partial.withUnsafeBytes { send(half, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            // Served beside them, at once.
            #expect(try await Self.curl(socket, "http://provider/v2/echo").status == 200)
            // Both closed by the daemon (a read sees the end), awaited with a bound.
            for fd in [silent, half] {
                var closed = false
                let deadline = ContinuousClock.now + .seconds(15)
                while !closed && ContinuousClock.now < deadline {
                    var byte: UInt8 = 0
                    let count = recv(fd, &byte, 1, Int32(MSG_DONTWAIT))
                    // The end (0) or a reset; a byte is the 408 the half-sent request may get: read on.
                    if count == 0 || (count < 0 && errno != EAGAIN && errno != EWOULDBLOCK) { closed = true } else if count < 0 {
                        try await Task.sleep(for: .milliseconds(50))
                    }
                }
                #expect(closed, "a connection stayed open past IdleTimeoutSec=")
            }
            #expect(await daemon.stop().status == 0)
        }
    }
}

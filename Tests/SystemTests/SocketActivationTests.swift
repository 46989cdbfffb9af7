// SPDX-License-Identifier: Apache-2.0
import FakeProvider
import Foundation
import TestSupport
import Testing

/// The control socket held by systemd (deviceauthd.socket): a client that comes
/// before the daemon is answered once it runs, and `deviceauthctl wait` waits
/// for a socket that does not exist yet.
@Suite("Socket activation")
struct SocketActivationTests {
    @Test("A status asked before the daemon runs starts it on systemd's socket and is answered; the socket file stays")
    func statusStartsDaemon() async throws {
        try await withFakeProvider { fake in
            let daemon = try DaemonFixture(fake: fake)
            try FileManager.default.createDirectory(atPath: daemon.runtimeDirectory, withIntermediateDirectories: true)
            let binaries = Subprocess.binaryURL("deviceauthd").deletingLastPathComponent().path
            // systemd-socket-activate binds the socket at once and execs the daemon with it
            // (LISTEN_FDS) when the first client connects. Run from one shell script: the
            // exec'd daemon is not a process Foundation's Process can follow.
            let script = """
                export NOTIFY_SOCKET='\(daemon.notify.path)' RUNTIME_DIRECTORY='\(daemon.runtimeDirectory)' JOURNAL_STREAM=
                systemd-socket-activate --listen='\(daemon.socketPath)' '\(binaries)/deviceauthd' --config '\(daemon.configPath)' 2>'\(daemon.directory)/daemon.log' &
                activator=$!
                for i in $(seq 100); do [ -S '\(daemon.socketPath)' ] && break; sleep 0.05; done
                echo "before: $(grep -c . '\(daemon.directory)/daemon.log' || true) daemon lines"
                '\(binaries)/deviceauthctl' --socket '\(daemon.socketPath)' status; echo "status exit $?"
                kill -TERM $activator; wait $activator; echo "daemon exit $?"
                [ -S '\(daemon.socketPath)' ] && echo "socket file stays"
                cat '\(daemon.directory)/daemon.log'
                """
            let run = try await Subprocess.run("/bin/sh", ["-c", script], seconds: 60)
            #expect(run.status == 0, "\(run.output)")
            #expect(run.output.contains("before: 0 daemon lines") || run.output.contains("before: 1 daemon lines"), "\(run.output)")
            #expect(run.output.contains("State:") && run.output.contains("status exit 0"), "\(run.output)")
            #expect(run.output.contains("from systemd (socket activation)"), "\(run.output)")
            #expect(run.output.contains("daemon exit 0") && run.output.contains("socket file stays"), "\(run.output)")
        }
    }

    /// A shell script that runs the daemon under systemd-socket-activate on the control
    /// socket and `<directory>/api.sock` (named `forwarder`, as deviceauthd-api.socket names
    /// it), runs `client` once both sockets exist, then stops the daemon and prints its log.
    static func activated(_ daemon: DaemonFixture, client: String) -> String {
        let binaries = Subprocess.binaryURL("deviceauthd").deletingLastPathComponent().path
        let api = daemon.directory + "/api.sock"
        return """
            export NOTIFY_SOCKET='\(daemon.notify.path)' RUNTIME_DIRECTORY='\(daemon.runtimeDirectory)' JOURNAL_STREAM=
            systemd-socket-activate --listen='\(daemon.socketPath)' --listen='\(api)' --fdname=deviceauthd.socket:forwarder \\
                '\(binaries)/deviceauthd' --config '\(daemon.configPath)' 2>'\(daemon.directory)/daemon.log' &
            activator=$!
            for i in $(seq 100); do [ -S '\(daemon.socketPath)' ] && [ -S '\(api)' ] && break; sleep 0.05; done
            \(client)
            kill -TERM $activator 2>/dev/null; wait $activator; echo "daemon exit $?"
            [ -S '\(api)' ] && echo "api socket stays"
            cat '\(daemon.directory)/daemon.log'
            """
    }

    @Test("The API forwarder's socket from systemd (FileDescriptorName=forwarder), with no Socket= in [Forwarder]: a request before the daemon runs starts it and reaches the provider with the live token; status names the socket; the socket file stays",
          .needsProgram("/usr/bin/curl", from: "curl"))
    func forwarderSocketStartsDaemon() async throws {
        try await withFakeProvider(realTime: true, { $0.pollingInterval = 1 }) { fake in
            let daemon = try DaemonFixture(fake: fake)
            _ = try #require(try await daemon.pair())
            let token = try await daemon.ctl(["token"]).output.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(await daemon.stop().status == 0)
            let api = daemon.directory + "/api.sock"
            let ctl = Subprocess.binaryURL("deviceauthctl").path
            let run = try await Subprocess.run("/bin/sh", ["-c", Self.activated(daemon, client: """
                echo "before: $(grep -c Execing '\(daemon.directory)/daemon.log' || true) started"
                curl -s -m 30 --unix-socket '\(api)' -w '\\nstatus %{http_code}\\n' http://provider/v2/echo; echo "curl exit $?"
                '\(ctl)' --socket '\(daemon.socketPath)' status
                """)], seconds: 60)
            #expect(run.status == 0, "\(DaemonFixture.redacted(run.output))")
            #expect(run.output.contains("before: 0 started"), "the daemon ran before anyone asked: \(run.output)")
            #expect(run.output.contains("\"bearer\":\"\(token)\"") && run.output.contains("status 200") && run.output.contains("curl exit 0"), "\(DaemonFixture.redacted(run.output))")
            #expect(run.output.contains("API forwarder on \(api) from systemd (socket activation)"), "\(DaemonFixture.redacted(run.output))")
            #expect(run.output.contains("API:     \(api) (curl --unix-socket \(api) http://provider/PATH)"), "\(DaemonFixture.redacted(run.output))")
            #expect(run.output.contains("daemon exit 0") && run.output.contains("api socket stays"), "\(DaemonFixture.redacted(run.output))")
            #expect(!run.output.replacingOccurrences(of: "\"bearer\":\"\(token)\"", with: "").contains(token), "the token outside the echo")
        }
    }

    @Test("systemd passing the forwarder's socket to a Type=oauth2 daemon with no Upstream= is a configuration error (78) that says what to set")
    func forwarderSocketWithoutUpstream() async throws {
        try await withFakeProvider { fake in
            let provider = "Type=oauth2\nIssuer=\(fake.baseURL)/oauth2\nClientID=public-client\nClientAuthentication=none\nScope=openid offline"
            let daemon = try DaemonFixture(fake: fake, provider: provider)
            let ctl = Subprocess.binaryURL("deviceauthctl").path
            let run = try await Subprocess.run("/bin/sh", ["-c", Self.activated(daemon, client: """
                '\(ctl)' --socket '\(daemon.socketPath)' status >/dev/null 2>&1
                """)], seconds: 60)
            #expect(run.output.contains("daemon exit 78"), "\(DaemonFixture.redacted(run.output))")
            #expect(run.output.contains("systemd passes the API forwarder's socket \(daemon.directory)/api.sock (deviceauthd-api.socket), but Type=oauth2 needs Upstream= in [Forwarder]"),
                    "\(DaemonFixture.redacted(run.output))")
        }
    }

    @Test("deviceauthctl wait waits for the daemon's socket to appear; without a daemon it gives up at --timeout with 2 (a timed-out wait), saying the daemon never appeared; Ctrl-C says what it left")
    func waitForSocket() async throws {
        try await withFakeProvider { fake in
            let daemon = try DaemonFixture(fake: fake)
            let ctl = Subprocess.binaryURL("deviceauthctl").path
            let started = ContinuousClock.now
            let absent = try await Subprocess.run(ctl, ["wait", "--socket", daemon.socketPath, "--until", "polling", "--timeout", "0.5"])
            #expect(absent.status == 2 && absent.output.contains("waiting for polling: deviceauthd never appeared at \(daemon.socketPath)"), "\(absent.output)")
            #expect(ContinuousClock.now - started >= .milliseconds(500))
            // Ctrl-C while it waits: one line saying so, exit 130.
            let interrupted = try Subprocess(ctl, ["wait", "--socket", daemon.socketPath, "--until", "authorized", "--timeout", "30"])
            #expect(await interrupted.waitForOutput("waiting for deviceauthd at"), "\(interrupted.output)")
            interrupted.signal(SIGINT)
            #expect(await interrupted.waitForExit(seconds: 5) == 130)
            #expect(interrupted.output.contains("deviceauthctl: interrupted: stopped waiting for authorized; deviceauthd goes on"), "\(interrupted.output)")
            let waiting = try Subprocess(ctl, ["wait", "--socket", daemon.socketPath, "--until", "polling", "--timeout", "30"])
            // It says it is waiting (on stderr, at its first failed connect) and keeps at it.
            #expect(await waiting.waitForOutput("waiting for deviceauthd at"), "\(waiting.output)")
            #expect(waiting.process.isRunning, "wait did not wait for the socket: \(waiting.output)")
            try daemon.start()
            #expect(await waiting.waitForExit(seconds: 30) == 0, "\(waiting.output)")
            #expect(waiting.output.contains("waiting for deviceauthd at") && waiting.output.contains("State:   polling"))
            #expect(await daemon.stop().status == 0)
        }
    }
}

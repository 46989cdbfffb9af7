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

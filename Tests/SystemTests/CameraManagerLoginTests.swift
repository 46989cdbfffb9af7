// SPDX-License-Identifier: Apache-2.0
import FakeProvider
import Foundation
import Testing
import TestSupport

/// `Type=cameramanager` through the real binaries: a password login (standard
/// input and a terminal), the refresh that keeps its refresh token, a logout
/// elsewhere, unpair as logout, and the password found nowhere afterwards.
@Suite("deviceauthd: CameraManager", .serialized)
struct CameraManagerLoginTests {
    static let user = "camera@example.com", password = "FAKEPW_correct-horse-battery"
    static let fast: @Sendable (inout FakeProviderConfiguration) -> Void = { $0.cameraManagerTokenLifetime = 600 }

    static func provider(_ fake: FakeHarness) -> String {
        "Type=cameramanager\nBaseURL=\(fake.baseURL)\nClientID=cam-model-1"
    }

    /// deviceauthctl login --username … --password-stdin, its standard input a FIFO the test writes to.
    static func startLogin(_ daemon: DaemonFixture) throws -> (login: Subprocess, input: String) {
        let fifo = daemon.directory + "/password"
        mkfifo(fifo, 0o600)
        let ctl = Subprocess.binaryURL("deviceauthctl").path
        let login = try Subprocess("/bin/sh", ["-c", "exec '\(ctl)' login --socket '\(daemon.socketPath)' --username \(user) --password-stdin < '\(fifo)'"])
        return (login, fifo)
    }

    /// `deviceauthctl login --username … --password-stdin` given `password`, run to its end.
    static func logIn(_ daemon: DaemonFixture, password: String = password) async throws -> (login: Subprocess, status: Int32?) {
        let (login, input) = try startLogin(daemon)
        defer { unlink(input) }
        try write(password + "\n", to: input)
        return (login, await login.waitForExit(seconds: 20))
    }

    static func write(_ text: String, to fifo: String) throws {
        let handle = try #require(FileHandle(forWritingAtPath: fifo))
        handle.write(Data(text.utf8))
        try handle.close()
    }

    /// Whether `needle` is anywhere in the file (read whole; small files only).
    static func fileContains(_ path: String, _ needle: String) -> Bool {
        guard let data = FileManager.default.contents(atPath: path) else { return false }
        return data.range(of: Data(needle.utf8)) != nil
    }

    static let repository = URL(fileURLWithPath: Subprocess.packageDirectory)

    @Test("Login with --password-stdin, refresh keeps the refresh token, status names the user, unpair logs out; the password is nowhere",
          .needsRoot("to read the memory of a daemon that is not dumpable"))
    func lifecycle() async throws {
        try await withFakeProvider(realTime: true, Self.fast) { fake in
            let daemon = try DaemonFixture(fake: fake, provider: Self.provider(fake))
            // The daemon's malloc set up as the shipped unit sets it up.
            let tunables = try #require(try ProcessMemory.unitEnvironment(
                "GLIBC_TUNABLES", unit: Self.repository.appendingPathComponent("systemd/deviceauthd.service").path))
            try await daemon.startAwaitingLogin(environment: ["GLIBC_TUNABLES": tunables])
            #expect(daemon.notify.assignments.contains("STATUS=unpaired: not logged in: run deviceauthctl login --username EMAIL"))
            let (login, input) = try Self.startLogin(daemon)
            // The CLI as it waits for the password (once sh has exec'd it): none in its arguments or environment.
            let cli = login.process.processIdentifier
            for _ in 0..<100 where (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(cli)/exe"))?.hasSuffix("/deviceauthctl") != true {
                try await Task.sleep(for: .milliseconds(20))
            }
            for record in ["cmdline", "environ"] {
                #expect(FileManager.default.contents(atPath: "/proc/\(cli)/\(record)") != nil)
                #expect(!Self.fileContains("/proc/\(cli)/\(record)", Self.password))
            }
            try Self.write(Self.password + "\n", to: input)
            #expect(await login.waitForExit(seconds: 20) == 0, "\(login.output)")
            #expect(login.output.contains("Logged in as \(Self.user)."))
            #expect(login.output.contains("Account: \(Self.user)"))
            #expect(await daemon.notify.waitStatus("authorized: token valid until", seconds: 10) != nil)
            #expect(try await fake.stats().passwordLogins == 1)

            // Refresh: the same refresh token comes back; the new access token is served.
            let before = try await daemon.ctl(["token"]).output
            _ = try await daemon.ctl(["refresh"])
            let stats = try await daemon.waitForStats(seconds: 10) { $0.refreshes >= 1 }
            #expect(stats.refreshes == 1 && stats.rejectedRequests == 0)
            let after = try await daemon.ctl(["token"]).output
            #expect(before != after)
            // Again: the kept refresh token still works (it was not rotated away).
            _ = try await daemon.ctl(["refresh"])
            let again = try await daemon.waitForStats(seconds: 10) { $0.refreshes >= 2 }
            #expect(again.refreshes == 2 && again.rejectedRequests == 0)
            #expect(try await daemon.ctl(["status"]).output.contains("Account: \(Self.user)"))

            // The password is in no file, output or process record.
            let database = daemon.stateDirectory + "/tokens.sqlite3"
            for path in [database, database + "-wal"] { #expect(!Self.fileContains(path, Self.password), "\(path)") }
            let pid = try #require(daemon.pid)
            for record in ["cmdline", "environ"] { #expect(!Self.fileContains("/proc/\(pid)/\(record)", Self.password)) }
            // Nor in the daemon's memory once the login has returned (the email is, as it should be).
            #expect(try ProcessMemory.count(of: Self.password, in: pid) == 0)
            #expect(try ProcessMemory.count(of: Self.user, in: pid) > 0)

            let unpair = try await daemon.ctl(["unpair"])
            #expect(unpair.status == 0 && unpair.output.contains("revoked"), "\(unpair.output)")
            let final = try await fake.stats()
            #expect(final.logouts == 1 && final.liveAuthorizations == 0)
            #expect(await daemon.stop().status == 0)
            #expect(daemon.leakedSecrets.isEmpty, "\(daemon.leakedSecrets)")
            #expect(!login.output.contains(Self.password))
        }
    }

    @Test("The password asked for on a terminal is not echoed")
    func terminal() async throws {
        try await withFakeProvider(realTime: true, Self.fast) { fake in
            let daemon = try DaemonFixture(fake: fake, provider: Self.provider(fake))
            try await daemon.startAwaitingLogin()
            let fifo = daemon.directory + "/typed"
            mkfifo(fifo, 0o600)
            let ctl = Subprocess.binaryURL("deviceauthctl").path
            // script(1) gives the CLI a pseudo-terminal and copies what we type into it; the shell
            // holds the FIFO open for writing too, so script never sees the end of its input early.
            let session = try Subprocess("/bin/sh", ["-c", "exec 3<>'\(fifo)'; exec /usr/bin/script -qfec \"'\(ctl)' login --socket '\(daemon.socketPath)' --username \(Self.user)\" /dev/null <&3"])
            let handle = try #require(FileHandle(forWritingAtPath: fifo))
            for _ in 0..<100 where !session.output.contains("Password for \(Self.user): ") { try await Task.sleep(for: .milliseconds(50)) }
            handle.write(Data((Self.password + "\n").utf8))
            #expect(await session.waitForExit(seconds: 20) == 0, "\(session.output)")
            try handle.close()
            #expect(session.output.contains("Logged in as \(Self.user)."))
            #expect(!session.output.contains(Self.password))
            #expect(await daemon.notify.waitStatus("authorized:", seconds: 10) != nil)
            #expect(await daemon.stop().status == 0)
        }
    }

    @Test("A wrong password and a wrong API key: exit 1 with the reason, nothing stored")
    func refusals() async throws {
        try await withFakeProvider(realTime: true, Self.fast) { fake in
            let daemon = try DaemonFixture(fake: fake, provider: Self.provider(fake))
            try await daemon.startAwaitingLogin()
            var (login, status) = try await Self.logIn(daemon, password: "not-the-password")
            #expect(status == 1)
            #expect(login.output.contains("the provider rejected the email or password: nothing was stored"), "\(login.output)")
            #expect(try await daemon.ctl(["status"]).output.contains("State:   unpaired"))
            #expect(await daemon.stop().status == 0)
            #expect(daemon.output.contains("login as \(Self.user) failed: the provider rejected the email or password"))

            // The camera model's API key is wrong (another secret than the provider's).
            try "wrong-secret".write(toFile: daemon.directory + "/client_secret", atomically: true, encoding: .utf8)
            chmod(daemon.directory + "/client_secret", 0o600)
            try await daemon.startAwaitingLogin()
            (login, status) = try await Self.logIn(daemon)
            #expect(status == 1)
            #expect(login.output.contains("the provider rejected the camera's API key (ClientID= and the client secret): invalid_client"), "\(login.output)")
            let stats = try await fake.stats()
            #expect(stats.passwordLogins == 0 && stats.passwordFailures == 1)
            #expect(await daemon.stop().status == 0)
            #expect(daemon.leakedSecrets.isEmpty)
        }
    }

    @Test("Logged out elsewhere (401 on refresh): the tokens are wiped and the status asks for a login")
    func loggedOutElsewhere() async throws {
        try await withFakeProvider(realTime: true, Self.fast) { fake in
            let daemon = try DaemonFixture(fake: fake, provider: Self.provider(fake))
            try await daemon.startAwaitingLogin()
            #expect(try await Self.logIn(daemon).status == 0)
            try await fake.control("revoke-all")
            _ = try await daemon.ctl(["refresh"])
            let status = await daemon.notify.waitStatus("unpaired: logged out (", seconds: 10)
            #expect(status?.hasSuffix("): run deviceauthctl login --username EMAIL") == true, "\(status ?? "nil")")
            #expect(try await daemon.ctl(["token"]).status != 0)
            #expect(await daemon.stop().status == 0)
        }
    }

    @Test("Unpair with a dead access token: renewed once, then the logout goes through")
    func logoutWithExpiredAccess() async throws {
        try await withFakeProvider(realTime: true, Self.fast) { fake in
            let daemon = try DaemonFixture(fake: fake, provider: Self.provider(fake))
            try await daemon.startAwaitingLogin()
            #expect(try await Self.logIn(daemon).status == 0)
            try await fake.control("expire-access")
            let unpair = try await daemon.ctl(["unpair"])
            #expect(unpair.status == 0 && unpair.output.contains("revoked"), "\(unpair.output)")
            let stats = try await fake.stats()
            // Without the renewal the refresh token would stay valid at the provider.
            #expect(stats.refreshes == 1 && stats.logouts == 1 && stats.liveAuthorizations == 0)
            #expect(await daemon.stop().status == 0)
        }
    }
}

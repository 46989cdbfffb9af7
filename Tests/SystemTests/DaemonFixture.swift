// SPDX-License-Identifier: Apache-2.0
import OAuthProvider
import ControlProtocol
import FakeProvider
import Foundation
import Testing
import TestSupport

/// One deviceauthd under test: its config, secret and state in a private
/// directory, a real notify socket, the real binary as a subprocess.
final class DaemonFixture: @unchecked Sendable {
    static let secretMarkers = ["FAKEAT_", "FAKERT_", "FAKEDC_", "FAKEAC_", "FAKEPW_"]

    /// `text` with the fake's tokens, codes and passwords cut to their markers, for failure
    /// messages that show what a server answered (the echo names the bearer it saw).
    static func redacted(_ text: String) -> String {
        text.replacing(/(FAKE(?:AT|RT|DC|AC|PW)_)[A-Za-z0-9._~+\/=-]+/) { "\($0.output.1)<redacted>" }
    }

    let directory: String
    let configPath: String
    /// The daemon's $RUNTIME_DIRECTORY: control.sock, pairing.png, pairing.svg.
    var runtimeDirectory: String { directory + "/run" }
    var socketPath: String { runtimeDirectory + "/control.sock" }
    let notify: NotifySocket
    let fake: FakeHarness
    private(set) var daemon: Subprocess?
    /// Waits for the daemon to exit by itself (a start-up failure); its status.
    func waitForExit(seconds: Double) async -> Int32? {
        guard let daemon else { return nil }
        let status = await daemon.waitForExit(seconds: seconds)
        outputs.append(daemon.output)
        self.daemon = nil
        return status
    }
    /// Output of every run so far, for the no-secrets scan.
    private(set) var outputs: [String] = []

    /// nil: no ClientID= line, so the daemon decides its own.
    let clientID: String?

    /// The [Provider] lines of another dialect, instead of Frame.io's BaseURL= and ClientID=.
    let provider: String?

    init(fake: FakeHarness, extraConfig: String = "", clientID: String? = "e2e-camera", provider: String? = nil) throws {
        self.fake = fake
        self.clientID = clientID
        self.provider = provider
        directory = "/tmp/da-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // Other uids (the role tests) must reach the socket inside.
        chmod(directory, 0o755)
        let secretPath = directory + "/client_secret"
        try fake.secret.write(toFile: secretPath, atomically: true, encoding: .utf8)
        chmod(secretPath, 0o600)
        configPath = directory + "/deviceauthd.conf"
        notify = try NotifySocket(directory: directory)
        try writeConfig(extraConfig)
    }

    /// (Re)writes the config: the fixture's base plus `extraConfig`.
    func writeConfig(_ extraConfig: String) throws {
        // A public client has no secret: its config names no secret file at all.
        let isPublic = provider?.contains("ClientAuthentication=none") == true
        let secretLine = isPublic ? "" : "ClientSecretFile=\(directory)/client_secret"
        try """
            [Provider]
            \(provider ?? "BaseURL=\(fake.baseURL)\n" + (clientID.map { "ClientID=\($0)" } ?? ""))
            \(secretLine)
            [Storage]
            StateDirectory=\(directory)/state
            [Refresh]
            HeartbeatSec=1
            MaxRetrySec=2
            \(extraConfig)
            """.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    /// - Parameter stateTmpfsKiB: run in a private mount namespace with the state
    ///   directory on a tmpfs of this size (root only), to fill the disk at will.
    /// - Parameter machineID: run in a private mount namespace with this text
    ///   bind-mounted over /etc/machine-id (root only).
    /// - Parameter user: run as this uid (and gid), not root, owning the fixture's directory,
    ///   as the shipped unit's `User=` does; `groups` are its supplementary groups.
    /// - Parameter descriptorLimit: alone, the daemon's RLIMIT_NOFILE (soft and hard), as `LimitNOFILE=` sets it.
    /// - Parameter hideProcesses: with `user`, in a private mount namespace whose /proc is
    ///   mounted `hidepid=invisible`, as `ProtectProc=invisible` shows it to the daemon.
    func start(watchdogMicroseconds: Int? = nil, stateTmpfsKiB: Int? = nil, machineID: String? = nil,
               user: UInt32? = nil, groups: [UInt32] = [], hideProcesses: Bool = false,
               descriptorLimit: Int? = nil, timeSynchronized: Bool? = nil, hosts: String? = nil, resolver: String? = nil,
               environment extra: [String: String] = [:]) throws {
        if user != nil || hideProcesses { try requireRoot("the daemon as another uid, through setpriv") }
        if machineID != nil || stateTmpfsKiB != nil || timeSynchronized != nil || hosts != nil || resolver != nil {
            try requireRoot("files of the daemon's own in a private mount namespace")
        }
        var environment = ["NOTIFY_SOCKET": notify.path, "RUNTIME_DIRECTORY": runtimeDirectory].merging(extra) { $1 }
        environment["JOURNAL_STREAM"] = ""
        if let watchdogMicroseconds { environment["WATCHDOG_USEC"] = String(watchdogMicroseconds) }
        if let user {
            let binary = Subprocess.binaryURL("deviceauthd").path
            for item in [""] + (FileManager.default.subpaths(atPath: directory) ?? []) {
                chown(directory + (item.isEmpty ? "" : "/" + item), user, user)
            }
            chmod(notify.path, 0o666)
            let setpriv = "exec /usr/bin/setpriv --reuid=\(user) --regid=\(user) "
                + (groups.isEmpty ? "--clear-groups" : "--groups=" + groups.map(String.init).joined(separator: ","))
                + " '\(binary)' --config '\(configPath)'"
            // unshare and sh exec: the daemon keeps the subprocess's pid.
            let script = hideProcesses ? "mount -t proc -o hidepid=invisible proc /proc && " + setpriv : setpriv
            daemon = try Subprocess("/usr/bin/unshare", ["--mount", "--propagation", "private", "/bin/sh", "-c", script],
                                    environment: environment)
        } else if let machineID {
            let binary = Subprocess.binaryURL("deviceauthd").path
            let file = directory + "/machine-id"
            try machineID.write(toFile: file, atomically: true, encoding: .utf8)
            daemon = try Subprocess("/usr/bin/unshare", ["--mount", "--propagation", "private", "/bin/sh", "-c",
                "mount --bind '\(file)' /etc/machine-id && exec '\(binary)' --config '\(configPath)'"],
                environment: environment)
        } else if let size = stateTmpfsKiB {
            let binary = Subprocess.binaryURL("deviceauthd").path
            try FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
            // unshare and sh exec: the daemon keeps the subprocess's pid.
            daemon = try Subprocess("/usr/bin/unshare", ["--mount", "--propagation", "private", "/bin/sh", "-c",
                "mount -t tmpfs -o size=\(size)k,mode=0700 tmpfs '\(stateDirectory)' && exec '\(binary)' --config '\(configPath)'"],
                environment: environment)
        } else if let descriptorLimit {
            // prlimit execs the daemon: it keeps the subprocess's pid, with RLIMIT_NOFILE set from its first instruction.
            let binary = Subprocess.binaryURL("deviceauthd").path
            daemon = try Subprocess("/usr/bin/prlimit", ["--nofile=\(descriptorLimit):\(descriptorLimit)", binary, "--config", configPath],
                                    environment: environment)
        } else if timeSynchronized != nil || hosts != nil || resolver != nil {
            // Files of the daemon's own, in a mount namespace: timesyncd's flag (present or
            // not) in a /run/systemd of its own, an /etc/hosts and /etc/resolv.conf of its own.
            let binary = Subprocess.binaryURL("deviceauthd").path
            var mounts: [String] = []
            if let timeSynchronized {
                mounts += ["mount -t tmpfs tmpfs /run/systemd", "mkdir /run/systemd/timesync"] + (timeSynchronized ? ["touch /run/systemd/timesync/synchronized"] : [])
            }
            if let hosts {
                try hosts.write(toFile: directory + "/hosts", atomically: true, encoding: .utf8)
                mounts.append("mount --bind '\(directory)/hosts' /etc/hosts")
            }
            if let resolver {
                try resolver.write(toFile: directory + "/resolv.conf", atomically: true, encoding: .utf8)
                mounts.append("mount --bind '\(directory)/resolv.conf' /etc/resolv.conf")
            }
            daemon = try Subprocess("/usr/bin/unshare", ["--mount", "--propagation", "private", "/bin/sh", "-c",
                (mounts + ["exec '\(binary)' --config '\(configPath)'"]).joined(separator: " && ")],
                environment: environment)
        } else {
            daemon = try Subprocess("deviceauthd", ["--config", configPath], environment: environment)
        }
    }

    var stateDirectory: String { directory + "/state" }
    /// The running daemon's process id.
    var pid: Int32? { daemon?.process.processIdentifier }

    /// `deviceauthd --check-config` on the fixture's config: exit status and output.
    func checkConfig() async throws -> (status: Int32?, output: String) {
        let program = try Subprocess("deviceauthd", ["--config", configPath, "--check-config"],
                                     environment: ["NOTIFY_SOCKET": "", "JOURNAL_STREAM": ""])
        let status = await program.waitForExit(seconds: 30)
        outputs.append(program.output)
        return (status, program.output)
    }

    /// SIGTERM and wait; answers the exit status (nil if it had to be killed) and how long it took.
    func stop() async -> (status: Int32?, seconds: Double) {
        guard let daemon else { return (nil, 0) }
        let started = ContinuousClock.now
        daemon.signal(SIGTERM)
        let status = await daemon.waitForExit(seconds: 10)
        let elapsed = ContinuousClock.now - started
        outputs.append(daemon.output)
        self.daemon = nil
        return (status, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }

    var output: String { outputs.joined() + (daemon?.output ?? "") }

    /// Waits for STATUS "polling: waiting for approval…" (which carries no code), then
    /// asks the control socket for the code, as root (an administrator) may.
    func waitForUserCode(seconds: Double = 20, after skip: Int = 0) async -> String? {
        guard await notify.waitStatus(Self.pollingStatus, seconds: seconds, after: skip) != nil else { return nil }
        return try? await call(ControlRequest(StatusMethod.self)).result?.status.userCode
    }

    static let pollingStatus = "polling: waiting for approval of the pairing code (expires "

    /// Polls the fake's stats until `condition` holds (bounded).
    func waitForStats(seconds: Double, _ condition: (FakeProviderStats) -> Bool) async throws -> FakeProviderStats {
        let deadline = ContinuousClock.now + .seconds(seconds)
        var stats = try await fake.stats()
        while !condition(stats) && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
            stats = try await fake.stats()
        }
        return stats
    }

    /// Start, get a code, approve it, reach authorized.
    func pair() async throws -> String? {
        try start()
        return try await approvePairing()
    }

    /// For a daemon already started (as a test needs it started): wait for its code,
    /// approve it at the fake, reach authorized. The STATUS line, or nil if one step never came.
    func approvePairing() async throws -> String? {
        guard let code = await waitForUserCode() else { return nil }
        try await fake.control("approve", #"{"user_code": "\#(code)"}"#)
        return await notify.waitStatus("authorized: project Testbed", seconds: 20)
    }

    /// Nothing the daemon printed or sent to systemd may hold a token, device code or the secret.
    var leakedSecrets: [String] {
        let text = output + notify.messages.joined(separator: "\n")
        // CameraManager's tokens carry no marker: their shape, <uuid>:<n>, gives them away.
        let shaped = text.contains(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}:[0-9]+/) ? ["a <uuid>:<n> token"] : []
        return (Self.secretMarkers + [fake.secret]).filter { text.contains($0) } + shaped
    }

    deinit {
        if let daemon { daemon.signal(SIGKILL) }
        try? FileManager.default.removeItem(atPath: directory)
    }
}

extension DaemonFixture {
    /// A C compiler for the preloaded library below, if this machine has one.
    static let cCompiler = ["/usr/bin/cc", "/opt/swift/usr/bin/clang"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Starts the daemon with its wall clock at `date` and nothing else moved: a library of the
    /// test's own (Scripts/wall-clock-shift.c) preloaded, so the boot clock and every timer stay
    /// true whichever executor the daemon runs on.
    func start(wallClock date: Date) async throws {
        let compiler = try #require(Self.cCompiler, "no C compiler for Scripts/wall-clock-shift.c")
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Scripts/wall-clock-shift.c").path
        let library = directory + "/wall-clock-shift.so"
        let built = try await Subprocess.run(compiler, ["-shared", "-fPIC", "-O1", "-Wall", "-Werror", "-o", library, source, "-ldl"])
        try #require(built.status == 0, "\(built.output)")
        try start(environment: ["LD_PRELOAD": library, "DEVICEAUTH_TEST_WALL_SHIFT": String(Int64(date.timeIntervalSinceNow.rounded()))])
    }
}

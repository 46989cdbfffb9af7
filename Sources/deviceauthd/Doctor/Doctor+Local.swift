// SPDX-License-Identifier: Apache-2.0
import DeviceAuthConfig
import TokenStorage
import Primitives
import CLinux
import EpochTime
import ControlProtocol
import OAuthProvider
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The checks that need no network: the files the daemon reads, its clock, its socket.
extension Doctor {
    /// The config as the next start would read it. A reload puts in force what it can, so
    /// what differs from the running daemon is what only a restart would apply: the keys
    /// the table marks restart-only (`ConfigKey.reload`, as the reloader names them).
    func configuration() -> Finding {
        let fresh: DaemonConfiguration
        do { fresh = try DaemonConfiguration.load(path: configPath) } catch {
            return .failed("\(error)", "fix the line named (deviceauthd --check-config shows the same); until then the daemon runs on what it read at start, and the next start fails")
        }
        var detail = setup.providerWords
        let waiting = ConfigKey.reload(running: setup.configuration, next: fresh).needRestart
        if !waiting.isEmpty { detail += "; changed on disk, applied only by a restart: " + waiting.map { "[\($0.section)] \($0.name)" }.joined(separator: ", ") }
        let warnings = setup.warnings
        if !warnings.isEmpty { return .warning(detail + "; " + warnings.joined(separator: "; "), "see deviceauthd.conf(5) for each setting named") }
        if !waiting.isEmpty { return .warning(detail, "restart the daemon to apply them (systemctl restart deviceauthd)") }
        return .ok(detail)
    }

    /// The client secret where the next start would read it, compared with the one in use.
    func secret() -> Finding {
        guard setup.configuration.needsClientSecret else { return .ok("none needed: a public client (ClientAuthentication=none)") }
        do {
            let (secret, source) = try ClientSecret.load(configuredFile: setup.configuration.clientSecretFile,
                                                         credentialsDirectory: setup.credentialsDirectory)
            let detail = "read from \(source) (\(FileFacts(source)?.words ?? "?"))"
            if secret != setup.clientSecret {
                return .warning(detail + "; it differs from the secret the daemon started with", "restart the daemon to use it (systemctl restart deviceauthd)")
            }
            return .ok(detail)
        } catch {
            return .failed("\(error)", "give the unit LoadCredentialEncrypted=client_secret:… (systemd-creds encrypt) or ClientSecretFile= with mode 0600; the running daemon keeps the secret it read at start")
        }
    }

    /// The token key there is now, and whether it is the one the store was opened with.
    func tokenKey() -> Finding {
        do {
            guard let key = try TokenKey.existing(stateDirectory: setup.stateDirectory, credentialsDirectory: setup.credentialsDirectory) else {
                return .failed("\(setup.stateDirectory)/\(TokenKey.fileName) is missing (no token_key credential either)",
                               "restore it from a backup: at the next start a new key is made, and the stored tokens (sealed with the old one) are set aside, so the device must pair again")
            }
            let detail = "\(key.source) (\(FileFacts(key.source)?.words ?? "?"))"
            guard SHA256.hash(key.material) == keyDigest else {
                return .failed(detail + " is not the key the daemon started with",
                               "put the old key back: the stored tokens were sealed with it, and the next start cannot open them")
            }
            return .ok(detail)
        } catch {
            return .failed("\(error)", "fix the key file's mode or contents; the running daemon keeps the key it read at start")
        }
    }

    func storeHealth() -> Finding {
        let free = Self.freeBytes(setup.stateDirectory)
        let space = free.map { "; \(Self.bytesWords($0)) free" } ?? ""
        let health: TokenStore.Health
        do { health = try store.health() } catch {
            return .failed("\(error)", "check the state directory's disk and permissions; the journal names what failed")
        }
        guard health.integrity == "ok" else {
            return .failed("SQLite's check says: \(health.integrity)", "stop the daemon and move the file aside: the next start sets an unreadable store aside by itself and the device pairs again")
        }
        var detail = "integrity ok, schema \(health.schemaVersion)"
        if let newer = store.newerSchema { detail += " (\(newer))" }
        if let saved = health.saved {
            detail += "; tokens saved \(TimeText.dateTime(saved.at)), \(saved.rotations) rotation\(saved.rotations == 1 ? "" : "s") since pairing, access token \(saved.fingerprint)"
        } else {
            detail += "; no tokens stored"
        }
        detail += space
        if let unopenable = health.unopenable {
            return .failed(detail + "; " + unopenable, "the device must pair again (deviceauthctl unpair, then pair); keep token.key with the database from now on")
        }
        if let setAside = store.setAsideAtOpen {
            return .warning(detail + "; at start, " + setAside,
                            "the device pairs anew; the old authorization may still be live at the provider: remove it in the provider's web app, or put back the release or key that can read the file set aside")
        }
        if let free, free < 1 << 20 {
            return .warning(detail, "free space on \(setup.stateDirectory): a refresh that cannot be saved is retried, but a restart loses it")
        }
        return .ok(detail)
    }

    func wallClock() -> Finding {
        let now = clock.now()
        let reads = "reads \(TimeText.dateTime(now.wall))"
        if now.wall < DeviceAuthVersion.earliestPlausibleTime {
            return .failed(reads + ", before this release was made: the clock is not set" + (now.wallSynchronized ? "" : " and not synchronized"),
                           "give the camera network time (systemd-timesyncd: timedatectl set-ntp true); no certificate can be checked until then, and the daemon retries by itself once the clock is set")
        }
        guard now.wallSynchronized else {
            return .warning(reads + ", not synchronized (timesyncd has not written /run/systemd/timesync/synchronized)",
                            "enable network time (timedatectl set-ntp true): certificates and token times are checked against this clock")
        }
        return .ok(reads + ", synchronized")
    }

    /// Who can reach a socket every local user must connect to (the control socket, the
    /// forwarder's): who may do what is decided per request, not by the file's mode.
    func socketAccess(_ path: String) -> Finding {
        guard let socket = FileFacts(path, follow: false) else {
            return .failed("missing", "the daemon made it at start: something removed it; restart the daemon (systemctl restart deviceauthd)")
        }
        guard socket.type == S_IFSOCK else { return .failed("is not a socket (\(socket.words))", "remove it and restart the daemon") }
        var detail = socket.words
        var closedDirectories: [String] = []
        var directory = SystemFiles.parentDirectory(path)
        for _ in 0..<16 where directory != "/" && !directory.isEmpty {
            if let facts = FileFacts(directory), facts.mode & 0o001 == 0 { closedDirectories.append("\(directory) (\(facts.words))") }
            directory = SystemFiles.parentDirectory(directory)
        }
        if socket.mode & 0o006 != 0o006 || !closedDirectories.isEmpty {
            if !closedDirectories.isEmpty { detail += "; other users cannot pass " + closedDirectories.joined(separator: ", ") }
            return .warning(detail + ": only some users can connect",
                            "every client (the uploader, the camera's UI) must be able to connect; the daemon decides what each may do (TokenReaders=, PairingViewers=)")
        }
        return .ok(detail + ": every user can connect; roles decide the rest")
    }

    /// The QR files carry the pairing code: only the daemon and the PairingViewers= group may read them.
    func qrFiles() async -> Finding {
        guard setup.configuration.qrPairing else { return .skipped("QRPairing=no: no QR files are written") }
        let state = await snapshot()
        let files = ["pairing.png", "pairing.svg"].map { setup.runtimeDirectory + "/" + $0 }
        let present = files.compactMap { path in FileFacts(path).map { (path, $0) } }
        guard !present.isEmpty else {
            if state.state == "polling", state.userCode != nil {
                return .failed("missing while pairing", "the journal says why they could not be written (for a PairingViewers= group, the daemon must be a member: SupplementaryGroups=)")
            }
            return .ok("none now: written while pairing, readable by \(pairingGroup().map { "the group \(FileFacts.groupName($0))" } ?? "the daemon alone")")
        }
        let words = present.map { "\($0.0) (\($0.1.words))" }.joined(separator: ", ")
        if present.contains(where: { $0.1.mode & 0o007 != 0 }) {
            return .failed(words + ": other users can read the pairing code", "only the daemon and PairingViewers= may read them: a local process that reads the code can approve the device with its own account")
        }
        if let group = pairingGroup(), present.contains(where: { $0.1.group != group || $0.1.mode & 0o040 == 0 }) {
            return .warning(words + ": the group \(FileFacts.groupName(group)) (PairingViewers=) cannot read them",
                            "the daemon must be a member of that group (SupplementaryGroups= in the unit)")
        }
        return .ok(words)
    }

    func tokenTime() async -> Finding {
        let state = await snapshot()
        let problem = state.problem.map { ": \($0)" } ?? ""
        switch state.state {
        case "authorized", "refreshing":
            guard let expires = state.tokenExpiresAt else { return .ok(state.status) }
            let left = Saturating.integer(expires.timeIntervalSince1970 - WallTime().timeIntervalSince1970, as: Int64.self)
            let project = state.project.map { "project \($0); " } ?? ""
            if left <= 0 {
                return .failed(project + "the access token expired \(Self.spanWords(left == .min ? .max : -left)) ago\(problem)", "the daemon keeps retrying the refresh; the checks above say what stands in its way")
            }
            let detail = project + "the access token is valid for \(Self.spanWords(left)) more, until \(TimeText.dateTime(expires))"
            if state.problem != nil { return .warning(detail + problem, "the last refresh failed and is retried; the checks above say why") }
            return .ok(detail)
        case "polling" where state.userCode != nil:
            return .warning("pairing: the code waits for approval\(problem)", "deviceauthctl pair shows the code and the QR code")
        case "polling":
            return .warning("pairing: no code yet\(problem)", "the checks above say what stands in the way; the daemon retries by itself")
        default:
            return .warning("not paired\(problem)", setup.configuration.loginMethod == .deviceCode ? "deviceauthctl pair" : "deviceauthctl login")
        }
    }

    static func spanWords(_ seconds: Int64) -> String {
        seconds >= 7200 ? "\(seconds / 3600) h" : seconds >= 120 ? "\(seconds / 60) min" : "\(seconds) s"
    }

    static func bytesWords(_ bytes: UInt64) -> String {
        bytes >= 1 << 30 ? "\(bytes >> 30) GiB" : bytes >= 1 << 20 ? "\(bytes >> 20) MiB" : "\(bytes >> 10) KiB"
    }

    static func freeBytes(_ directory: String) -> UInt64? {
        var info = statvfs()
        guard statvfs(directory, &info) == 0 else { return nil }
        return UInt64(info.f_bavail) * UInt64(info.f_frsize)
    }
}

/// A file's type, mode and owners, as `ls -l` would tell them.
struct FileFacts {
    let type: mode_t
    let mode: mode_t
    let owner: uid_t
    let group: gid_t

    init?(_ path: String, follow: Bool = true) {
        var info = deviceauth_file_status()
        guard deviceauth_status(path, follow ? 1 : 0, &info) == 0 else { return nil }
        type = mode_t(info.mode) & S_IFMT
        mode = mode_t(info.mode) & 0o7777
        owner = uid_t(info.owner)
        group = gid_t(info.group)
    }

    /// `mode 0640, owner deviceauth, group camera-ui`.
    var words: String { "mode 0\(String(mode, radix: 8)), owner \(Self.userName(owner)), group \(Self.groupName(group))" }

    static func userName(_ uid: uid_t) -> String {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getpwuid_r(uid, &entry, &buffer, buffer.count, &result) == 0, result != nil, let name = entry.pw_name else { return "\(uid)" }
        return String(cString: name)
    }

    static func groupName(_ gid: gid_t) -> String {
        var entry = GroupEntry()
        var result: UnsafeMutablePointer<GroupEntry>?
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getgrgid_r(gid, &entry, &buffer, buffer.count, &result) == 0, result != nil, let name = entry.gr_name else { return "\(gid)" }
        return String(cString: name)
    }
}

/// The C library's `struct group`, named where no `group` property shadows it (Glibc or Musl alike).
private typealias GroupEntry = group

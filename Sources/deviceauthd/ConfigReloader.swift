import Control
import DeviceAuth
import Logging
import ServiceLifecycle
import Systemd
import UnixSignals

/// `systemctl reload deviceauthd` (SIGHUP): re-read the config and apply what
/// can change while running — the pairing and refresh policy and TokenReaders=.
/// What needs a restart (provider, identity, paths) is named in the log. A bad
/// config is reported with file and line, and the running one stays.
struct ConfigReloader: Service {
    let configPath: String
    let running: DaemonConfiguration
    let engine: PairingEngine
    let authorizer: SharedAuthorizer
    let notifier: SystemdNotifier
    let logger: Logger

    func run() async throws {
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        await cancelWhenGracefulShutdown {
            var current = running
            for await _ in hangups {
                current = await reload(from: current)
            }
        }
    }

    /// - Returns: the configuration now in force.
    func reload(from current: DaemonConfiguration) async -> DaemonConfiguration {
        notifier.reloading()
        let inForce = await apply(over: current)
        // READY=1 ends the reload for systemd; the status line is the engine's.
        notifier.ready(status: await engine.snapshot.status)
        return inForce
    }

    private func apply(over current: DaemonConfiguration) async -> DaemonConfiguration {
        let next: DaemonConfiguration
        let readers: PeerAuthorizer
        do {
            next = try DaemonConfiguration.load(path: configPath)
            readers = try DaemonSetup.resolveAuthorizer(next, configPath: configPath)
        } catch {
            logger.error("reload failed, keeping the running configuration: \(error)")
            return current
        }
        for key in Self.restartOnly(current, next) {
            logger.warning("reload: \(key) changed; restart deviceauthd to apply it")
        }
        await engine.update(policy: DaemonSetup.policy(next))
        authorizer.replace(with: readers)
        logger.notice("configuration reloaded from \(configPath)")
        // Keys that need a restart keep their running values.
        var applied = next
        applied.providerType = current.providerType
        applied.baseURL = current.baseURL
        applied.clientID = current.clientID
        applied.clientSecretFile = current.clientSecretFile
        applied.scope = current.scope
        applied.qrPairing = current.qrPairing
        applied.stateDirectory = current.stateDirectory
        applied.controlSocket = current.controlSocket
        return applied
    }

    static func restartOnly(_ a: DaemonConfiguration, _ b: DaemonConfiguration) -> [String] {
        var changed: [String] = []
        if a.providerType != b.providerType { changed.append("Type=") }
        if a.baseURL != b.baseURL { changed.append("BaseURL=") }
        if a.clientID != b.clientID { changed.append("ClientID=") }
        if a.clientSecretFile != b.clientSecretFile { changed.append("ClientSecretFile=") }
        if a.scope != b.scope { changed.append("Scope=") }
        if a.qrPairing != b.qrPairing { changed.append("QRPairing=") }
        if a.stateDirectory != b.stateDirectory { changed.append("StateDirectory=") }
        if a.controlSocket != b.controlSocket { changed.append("Socket=") }
        return changed
    }
}

import Control
import DeviceAuth
import Logging
import ServiceLifecycle
import Systemd

/// `systemctl reload deviceauthd` (SIGHUP): re-read the config and apply what
/// can change while running — the pairing and refresh policy, TokenReaders= and PairingViewers=.
/// What needs a restart (provider, identity, paths) is named in the log. A bad
/// config is reported with file and line, and the running one stays.
struct ConfigReloader: Service {
    let configPath: String
    let running: DaemonConfiguration
    let engine: PairingEngine
    let authorizer: SharedAuthorizer
    let notifier: SystemdNotifier
    let logger: Logger
    /// One element per SIGHUP.
    let hangups: AsyncStream<Void>

    func run() async throws {
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
        for key in Self.restartOnlyKeys where key.differs(current, next) {
            logger.warning("reload: \(key.name) changed; restart deviceauthd to apply it")
        }
        await engine.update(policy: DaemonSetup.policy(next))
        authorizer.replace(with: readers)
        logger.notice("configuration reloaded from \(configPath)")
        // Keys that need a restart keep their running values.
        var applied = next
        for key in Self.restartOnlyKeys { key.keep(&applied, current) }
        return applied
    }

    /// What only a restart can change: the provider, the device's identity, the paths.
    static var restartOnlyKeys: [RestartOnlyKey] {
        [.init("Type=", \.providerType), .init("BaseURL=", \.baseURL), .init("ClientID=", \.clientID),
         .init("ClientSecretFile=", \.clientSecretFile), .init("Scope=", \.scope), .init("QRPairing=", \.qrPairing),
         .init("StateDirectory=", \.stateDirectory), .init("Socket=", \.controlSocket),
         .init("MaxConnections=", \.maxControlConnections), .init("IdleTimeoutSec=", \.controlIdleSeconds), .init("Metrics=", \.metrics)]
    }
}

/// One config key that a reload does not apply, named as the file spells it.
struct RestartOnlyKey {
    let name: String
    let differs: (DaemonConfiguration, DaemonConfiguration) -> Bool
    /// Copies the running value over the reloaded one.
    let keep: (inout DaemonConfiguration, DaemonConfiguration) -> Void

    init<Value: Equatable>(_ name: String, _ path: WritableKeyPath<DaemonConfiguration, Value>) {
        self.name = name
        differs = { $0[keyPath: path] != $1[keyPath: path] }
        keep = { $0[keyPath: path] = $1[keyPath: path] }
    }
}

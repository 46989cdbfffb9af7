// SPDX-License-Identifier: Apache-2.0
import AccessPolicy
import DeviceAuthConfig
import Control
import DeviceAuth
import Logging
import ServiceLifecycle
import Systemd

/// `systemctl reload deviceauthd` (SIGHUP): re-read the config and apply what
/// can change while running (the keys `ConfigKey.all` marks `.applied`: the pairing and
/// refresh policy, TokenReaders= and PairingViewers=). Each changed key that needs a
/// restart is named in the log and keeps its running value. A bad
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
        let loaded: DaemonConfiguration
        do { loaded = try DaemonConfiguration.load(path: configPath) } catch {
            logger.error("reload failed, keeping the running configuration: \(error)")
            return current
        }
        // Restart-only keys keep their running values; each changed one is named.
        let (next, needRestart) = ConfigKey.reload(running: current, next: loaded)
        let readers: PeerAuthorizer
        do { readers = try DaemonSetup.resolveAuthorizer(next) } catch {
            logger.error("reload failed, keeping the running configuration: \(error)")
            return current
        }
        if !needRestart.isEmpty {
            let names = needRestart.map { "[\($0.section)] \($0.name)" }.joined(separator: ", ")
            logger.warning("reload: \(names) changed; restart deviceauthd to apply \(needRestart.count == 1 ? "it" : "them")")
        }
        await engine.update(policy: next.pairingPolicy)
        authorizer.replace(with: readers)
        logger.notice("configuration reloaded from \(configPath)")
        return next
    }
}

// SPDX-License-Identifier: Apache-2.0
import Forwarder
import AccessPolicy
import DeviceAuthConfig
import TokenStorage
import Primitives
import CLinux
import Control
import DaemonRuntime
import ControlProtocol
import CurlHTTP
import DeviceAuth
import OAuthProvider
import Logging
import ServiceLifecycle
import Systemd
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Wires the store, the provider client and the engine together and runs
/// them in one ServiceGroup that owns SIGTERM/SIGINT.
struct DaemonRunner {
    let setup: DaemonSetup
    let configPath: String
    let logger: Logger

    struct StartupError: Error, CustomStringConvertible {
        let description: String
        let exitCode: Int32
    }

    func run() async throws {
        let identity: ClientIdentity
        do {
            let resolved = try setup.identity(save: true)
            identity = resolved.identity
            if let notice = resolved.notice { logger.notice("\(notice)") }
        } catch {
            let advice = setup.stateDirectoryProblem() == nil ? "" : "; " + DaemonSetup.byHandAdvice
            throw StartupError(description: "cannot keep the client id in the state directory: \(error)\(advice)", exitCode: 73)
        }
        // A public client has no secret; it is never placed in a request then.
        let credentials = ClientCredentials(clientID: identity.clientID, clientSecret: setup.clientSecret ?? "")
        let (store, keyDigest) = try openStore(clientID: identity.clientID)
        let clock = SystemClock()
        let endpoints = setup.endpointSource(transport: ClockCheckedTransport(CurlTransport(timeoutSeconds: 10, network: setup.network), clock: clock))
        try await discover(endpoints)
        for warning in setup.warnings { logger.warning("\(warning)") }
        let notifier = SystemdNotifier()
        let profile = setup.profile(endpoints: endpoints)
        let client = OAuthProviderClient(
            transport: ClockCheckedTransport(CurlTransport(network: setup.network), clock: clock), profile: profile, credentials: credentials,
            scope: setup.configuration.effectiveScope, qrPairing: setup.configuration.qrPairing)
        let authorizer = SharedAuthorizer(setup.authorizer)
        var observers: [any PairingObserver] = [SystemdObserver(notifier: notifier)]
        if setup.configuration.qrPairing {
            observers.append(PairingQRFiles(directory: setup.runtimeDirectory, group: { authorizer.pairingGroup }, logger: logger))
        }
        let metricsFile = setup.configuration.metrics ? MetricsFile(directory: setup.runtimeDirectory, logger: logger) : nil
        if let metricsFile { observers.append(metricsFile) }
        let engine = PairingEngine(
            policy: setup.policy, client: client, store: store, observer: Observers(observers),
            logger: logger, clock: clock, watchdogInterval: SystemdNotifier.watchdogInterval())
        // What systemd passed: the control socket, and the forwarder's when its socket unit is enabled.
        let activation = SocketActivation.take()
        let forwarding = try forwarderSocket(activation.forwarder).map { (socket: $0, settings: try forwarderSettings(for: $0)) }
        let control: BoundControlServer
        var servedSocket = setup.controlSocket
        do {
            var limits = ConnectionLimits()
            limits.total = setup.configuration.maxControlConnections
            limits.idleSeconds = setup.configuration.controlIdleSeconds
            let descriptors = deviceauth_open_files_limit()
            // The forwarder's connections at their cap come first: theirs is a hard cap.
            let forwarderDescriptors = forwarding?.settings.descriptors ?? 0
            if descriptors >= 0, descriptors < Int64(Int32.max), let fitted = limits.fit(descriptorLimit: Int(descriptors) - forwarderDescriptors) {
                let beside = forwarderDescriptors > 0 ? " beside the API forwarder's \(forwarderDescriptors) ([Forwarder] MaxConnections=\(setup.configuration.forwarderMaxConnections), two each)" : ""
                logger.warning("MaxConnections=\(setup.configuration.maxControlConnections) does not fit the descriptor limit of \(descriptors) (LimitNOFILE=)\(beside): serving at most \(fitted) control connections; raise LimitNOFILE= or lower MaxConnections=")
            }
            if case .listening(_, let path?) = activation.control { servedSocket = path }
            let doctor = Doctor(setup: setup, configPath: configPath, identity: identity, store: store, keyDigest: keyDigest, clock: clock,
                                profile: profile, controlSocket: servedSocket, forwarderSocket: forwarding?.socket.path, snapshot: { await engine.snapshot },
                                pairingGroup: { authorizer.pairingGroup })
            let backend = EngineBackend(engine: engine, loginMethod: setup.configuration.loginMethod,
                                        redirectURI: setup.configuration.redirectURI, diagnose: { await doctor.run() })
            let server = ControlServer(path: setup.controlSocket, backend: backend, authorizer: authorizer, identity: identity,
                                       forwarderSocket: forwarding?.socket.path, limits: limits, logger: logger)
            switch activation.control {
            case .none:
                control = try await server.bind()
            case .listening(let fd, let path):
                if let path, path != setup.controlSocket {
                    logger.warning("systemd's control socket is \(path), not Socket=\(setup.controlSocket): serving on systemd's; make them agree")
                }
                logger.info("control socket \(path ?? setup.controlSocket) from systemd (socket activation)")
                control = server.adopt(listeningSocket: fd)
            case .unusable(let why):
                throw StartupError(description: "socket activation: \(why)", exitCode: ConfigError.exitCode)
            }
        } catch let error as StartupError {
            throw error
        } catch {
            let advice = setup.controlSocketProblem() == nil ? "" : "; " + DaemonSetup.byHandAdvice
            throw StartupError(description: "cannot open the control socket \(setup.controlSocket): \(error)\(advice)", exitCode: 73)
        }
        let forwarder = try forwarding.map { try startForwarder($0.socket, settings: $0.settings, engine: engine, authorizer: authorizer, metricsFile: metricsFile) }
        logger.info("starting: client id \(identity.clientID) (\(ControlStatus.describeClientIDSource(identity.source.rawValue))), provider \(setup.providerWords), state in \(setup.stateDirectory), control socket \(servedSocket), secret from \(setup.secretSource); async code on \(DaemonRuntime.executorName)")

        let (hangups, hangup) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        // Shutdown goes in reverse order: the engine stops before the control socket,
        // so callers waiting on a refresh get their answer before the socket closes.
        var configuration = ServiceGroupConfiguration(
            services: (forwarder.map { [ServiceGroupConfiguration.ServiceConfiguration(service: $0)] } ?? []) + [
                .init(service: control),
                .init(service: engine),
                .init(service: StoppingNotice(notifier: notifier), successTerminationBehavior: .ignore),
                .init(service: ConfigReloader(configPath: configPath, running: setup.configuration, engine: engine,
                                              authorizer: authorizer, notifier: notifier, logger: logger, hangups: hangups),
                      successTerminationBehavior: .ignore),
            ],
            logger: logger)
        // A backstop well inside the unit's TimeoutStopSec=10: whatever has not
        // stopped by then is cancelled.
        configuration.maximumGracefulShutdownDuration = .seconds(5)
        let group = ServiceGroup(configuration: configuration)
        // Signals come from our own thread (DaemonRuntime), not from swift-service-lifecycle's
        // libdispatch sources: SIGTERM and SIGINT stop the group, SIGHUP reloads. Watched
        // before the group runs: a SIGTERM right after the first answer on the control
        // socket was lost (on Swift's executors) when the watch began after it.
        let signals = SignalWatcher.watch([SIGTERM, SIGINT, SIGHUP])
        try await withThrowingDiscardingTaskGroup { tasks in
            tasks.addTask {
                for await signal in signals {
                    if signal == SIGHUP { hangup.yield() } else { await group.triggerGracefulShutdown() }
                }
            }
            try await group.run()
            tasks.cancelAll()
        }
        logger.info("stopped")
    }

    /// With `Issuer=`: the endpoints before anything else. A document that is wrong is a
    /// configuration error (78); an issuer out of reach is not: the cache, or a later try.
    private func discover(_ endpoints: any EndpointSource) async throws {
        guard let discovered = endpoints as? DiscoveredEndpoints else { return }
        do {
            let (metadata, fromCache) = try await discovered.prepare()
            logger.info("provider endpoints \(fromCache ? "from the cache" : "discovered") for \(metadata.issuer): token \(metadata.endpoints.token)\(metadata.endpoints.revocation == nil ? ", no revocation endpoint" : "")")
            let method = setup.configuration.effectiveClientAuthentication.rawValue
            if let methods = metadata.authMethods, !methods.contains(method) {
                logger.warning("the provider lists token_endpoint_auth_methods_supported \(methods.prefix(8).joined(separator: ", ")), not \(method); set ClientAuthentication= to one of them")
            }
        } catch .invalid(let url, let reason) {
            throw StartupError(description: "configuration error: Issuer=\(discovered.issuer): \(url): \(reason)", exitCode: ConfigError.exitCode)
        } catch {
            logger.warning("\(error); starting all the same, the endpoints will be looked up again before the first call")
        }
    }

    /// The store, and the SHA-256 of the key it was opened with (the doctor tells a replaced key by it).
    private func openStore(clientID: String) throws -> (TokenStore, [UInt8]) {
        do {
            let key = try TokenKey.load(stateDirectory: setup.stateDirectory, credentialsDirectory: setup.credentialsDirectory)
            // A new key beside sealed rows is never silent: the engine sets the rows aside and names why.
            let store = try TokenStore(directory: setup.stateDirectory, sealer: TokenSealer(keyMaterial: key.material),
                                       clientID: clientID, keyIsNew: key.isNew)
            return (store, SHA256.hash(key.material))
        } catch {
            // Make the state directory usable (StateDirectory= in the unit does it) and restart.
            throw StartupError(description: "token store: \(error)", exitCode: 73)
        }
    }
}

/// Tells systemd STOPPING=1 the moment shutdown begins (not after it ends).
extension DaemonRunner {
    /// The forwarder's socket: systemd's (`deviceauthd-api.socket`, enabled by the
    /// administrator, is configuration enough), else one bound now for `[Forwarder] Socket=`,
    /// so that a socket that cannot be had is a start-up error, not a silent absence; nil
    /// when neither asks for a forwarder.
    func forwarderSocket(_ inherited: SocketActivation.Inherited) throws -> ForwarderSocket? {
        let configured = setup.configuration.forwarderSocket
        switch inherited {
        case .unusable(let why):
            throw StartupError(description: "socket activation: \(why)", exitCode: ConfigError.exitCode)
        case .listening(let fd, let path):
            if let configured, let path, path != configured {
                logger.warning("systemd's API forwarder socket is \(path), not [Forwarder] Socket=\(configured): serving on systemd's; make them agree")
            }
            return ForwarderSocket(path: path ?? configured ?? "systemd's socket", fd: fd, fromSystemd: true)
        case .none:
            guard let configured else { return nil }
            do { return ForwarderSocket(path: configured, fd: try ForwarderService.bind(configured), fromSystemd: false) } catch {
                throw StartupError(description: "cannot open the forwarder's socket \(configured): \(error)", exitCode: 73)
            }
        }
    }

    /// The forwarder's settings from `[Forwarder]`: to the dialect's API origin or `Upstream=`.
    /// With `Socket=` the configuration's validation already required an upstream; a socket
    /// from systemd is checked here.
    func forwarderSettings(for socket: ForwarderSocket) throws -> ForwarderSettings {
        guard let upstream = setup.configuration.effectiveForwarderUpstream else {
            close(socket.fd)
            throw StartupError(description: "configuration error: systemd passes the API forwarder's socket \(socket.path) (deviceauthd-api.socket), but Type=\(setup.configuration.dialect.name) needs Upstream= in [Forwarder]: the origin of the API; set it, or disable the socket unit", exitCode: ConfigError.exitCode)
        }
        var settings = ForwarderSettings(upstream: upstream, network: setup.network)
        settings.idleSeconds = setup.configuration.forwarderIdleSeconds
        settings.timeoutSeconds = setup.configuration.forwarderTimeoutSeconds
        settings.maxConnections = setup.configuration.forwarderMaxConnections
        return settings
    }

    /// The API forwarder on its socket.
    func startForwarder(_ socket: ForwarderSocket, settings: ForwarderSettings, engine: PairingEngine, authorizer: SharedAuthorizer,
                        metricsFile: MetricsFile?) throws -> ForwarderService {
        let upstream = settings.upstream
        let metrics = ForwarderMetrics { counts in metricsFile?.forwarderChanged(counts) }
        guard let server = ForwarderServer(settings: settings, tokens: EngineForwarderTokens(engine: engine), authorizer: authorizer,
                                           metrics: metrics, logger: logger) else {
            throw StartupError(description: "the forwarder's upstream \(upstream) is not a URL", exitCode: ConfigError.exitCode)
        }
        logger.info("API forwarder on \(socket.path)\(socket.fromSystemd ? " from systemd (socket activation)" : "") to \(upstream)")
        return ForwarderService(server: server, listener: socket)
    }
}

struct StoppingNotice: Service {
    let notifier: SystemdNotifier

    func run() async throws {
        try? await gracefulShutdown()
        notifier.stopping(status: "stopping")
    }
}

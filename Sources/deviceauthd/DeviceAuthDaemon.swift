import ArgumentParser
import ControlProtocol
import DeviceAuth
import Logging
import Systemd
#if canImport(Glibc)
import Glibc
#endif

/// `deviceauthd`: pairs this device with a cloud account and keeps its access
/// token valid. Runs under systemd (Type=notify); see deviceauthd.service.
@main
struct DeviceAuthDaemon: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deviceauthd",
        abstract: "Pairs this device with a cloud account (OAuth 2.0 device flow) and keeps its token valid.",
        discussion: """
            Exit status: 0 after SIGTERM or SIGINT, or when --check-config finds no problem;
            78 (EX_CONFIG) for a bad configuration or client secret, with the file and line;
            73 (EX_CANTCREAT) when the state directory or token store cannot be used.
            """
    )

    @Option(help: "The configuration file; drop-ins are read from PATH.d/*.conf.")
    var config = DaemonConfiguration.defaultPath

    @Flag(help: "Check the configuration, the client secret and, with Issuer=, the provider's metadata, then exit (0 good, 78 bad).")
    var checkConfig = false

    func run() async throws {
        // Structured fields when systemd connected stderr to the journal, plain lines otherwise.
        let toJournal = JournalLogHandler.stderrIsJournal
        LoggingSystem.bootstrap { label -> any LogHandler in
            toJournal ? JournalLogHandler(label: label) : LineLogHandler(label: label)
        }
        // Whatever we create (store, key, WAL files) is ours alone.
        umask(0o077)
        // A peer that hangs up is an error on that write, never the end of the daemon.
        signal(SIGPIPE, SIG_IGN)
        let logger = Logger(label: "deviceauthd")
        let setup: DaemonSetup
        do {
            setup = try DaemonSetup.resolve(configPath: config)
        } catch {
            logger.critical("configuration error: \(error)")
            throw ExitCode(ConfigError.exitCode)
        }
        if checkConfig {
            guard await ConfigCheck(setup: setup, configPath: config).run() else { throw ExitCode(ConfigError.exitCode) }
            return
        }
        do {
            try await DaemonRunner(setup: setup, configPath: config, logger: logger).run()
        } catch let error as DaemonRunner.StartupError {
            logger.critical("\(error)")
            throw ExitCode(error.exitCode)
        }
    }
}

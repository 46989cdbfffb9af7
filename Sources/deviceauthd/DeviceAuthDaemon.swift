// SPDX-License-Identifier: Apache-2.0
import DeviceAuthConfig
import CommandOptions
import DaemonRuntime
import ControlProtocol
import OAuthProvider
import Logging
import Systemd
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `deviceauthd`: pairs this device with a cloud account and keeps its access
/// token valid. Runs under systemd (Type=notify); see deviceauthd.service.
@main
enum DeviceAuthDaemon {
    static let specs: [OptionSpec] = [
        .option("config", value: "path", "The configuration file; drop-ins are read from PATH.d/*.conf (default \(DaemonConfiguration.defaultPath))."),
        .flag("check-config", "Check the configuration, the client secret and, with Issuer=, the provider's metadata, then exit (0 good, 78 bad)."),
        .flag("version", "Print the release and exit."),
    ]

    /// Said by `--help` and held to deviceauthd(8) by its tests.
    static let exitStatuses: [CommandLineText.ExitStatus] = [
        .init(0, "stopped by SIGTERM or SIGINT, or --check-config found no problem"),
        .init(1, "stopped on an unexpected error (the journal says which)"),
        .init(64, "bad usage (an unknown option: the nearest is suggested)"),
        .init(73, "the state directory, the token store or the control socket cannot be used (EX_CANTCREAT)"),
        .init(78, "a bad configuration or client secret (EX_CONFIG), with the file and line"),
    ]

    static let help = """
        OVERVIEW: Pairs this device with a cloud account (OAuth 2.0 device flow) and keeps its token valid.

        USAGE: deviceauthd [--config <path>] [--check-config] [--version]

        OPTIONS:
        \(ParsedOptions.help(specs))

        \(CommandLineText.help(exitStatuses))
        """

    static func main() {
        // Before anything secret is in memory: no core file, no ptrace by our own uid.
        let hardeningProblem = ProcessHardening.forbidCoreDumps()
        // Before any thread exists, so every thread inherits the mask and only ours takes them.
        SignalWatcher.block([SIGTERM, SIGINT, SIGHUP])
        // The notify socket opened now, while descriptors are plenty: a flood of control
        // connections later must not make WATCHDOG=1 fail for want of one.
        SystemdNotifier.prepare()
        let parsed: ParsedOptions
        do throws(UsageError) {
            parsed = try ParsedOptions.parse(Array(CommandLine.arguments.dropFirst()), specs: specs)
            if let extra = parsed.positionals.first { throw UsageError("unexpected argument \"\(extra)\"") }
        } catch {
            CommandLineText.usageFailure("deviceauthd", error, help: "deviceauthd --help")
        }
        if parsed.flag("help") {
            print(help)
            return
        }
        if parsed.flag("version") {
            print("deviceauthd \(DeviceAuthVersion.current)")
            return
        }
        let config = parsed.value("config") ?? DaemonConfiguration.defaultPath, checkConfig = parsed.flag("check-config")
        DaemonRuntime.run { await run(config: config, checkConfig: checkConfig, hardeningProblem: hardeningProblem) }
    }

    /// The daemon's life; answers its exit status.
    static func run(config: String, checkConfig: Bool, hardeningProblem: String?) async -> Int32 {
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
        if let hardeningProblem { logger.warning("a core dump could hold the tokens: \(hardeningProblem)") }
        let setup: DaemonSetup
        do {
            setup = try DaemonSetup.resolve(configPath: config)
        } catch {
            logger.critical("configuration error: \(error)")
            return ConfigError.exitCode
        }
        if checkConfig {
            return await ConfigCheck(setup: setup, configPath: config).run() ? 0 : ConfigError.exitCode
        }
        do {
            try await DaemonRunner(setup: setup, configPath: config, logger: logger).run()
        } catch let error as DaemonRunner.StartupError {
            logger.critical("\(error)")
            return error.exitCode
        } catch {
            logger.critical("stopped on an error: \(error)")
            return 1
        }
        return 0
    }
}

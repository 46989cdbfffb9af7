// SPDX-License-Identifier: Apache-2.0
import CommandOptions
import ControlProtocol
import Release

/// `deviceauthctl`: talk to deviceauthd over its control socket.
@main
enum DeviceAuthCtl {
    static var commands: [any CtlCommand.Type] { [Status.self, Pair.self, Cancel.self, Unpair.self, Token.self, Refresh.self, Wait.self, Login.self, Doctor.self, Version.self] }

    /// Said by `--help` and held to deviceauthctl(1) by its tests.
    static let exitStatuses: [CommandLineText.ExitStatus] = [
        .init(0, "success"),
        .init(1, "the daemon could not do it (not paired, refresh failed, pairing denied or cancelled; doctor: a check failed)"),
        .init(2, "wait: the state was not reached before --timeout"),
        .init(64, "bad usage (an unknown command or option: the nearest is suggested)"),
        .init(69, "deviceauthd is not reachable at the socket (not running?)"),
        .init(77, "permission denied: this user may not do that (see TokenReaders= in deviceauthd.conf)"),
        .init(130, "interrupted (Ctrl-C)"),
    ]

    static func main() {
        var arguments = Array(CommandLine.arguments.dropFirst())
        let command: any CtlCommand.Type
        switch takeCommand(from: &arguments) {
        case .command(let found): command = found
        case .none: command = Status.self
        case .help(let topic):
            print(help(for: topic ?? Status.self, top: topic == nil))
            return
        case .unknown(let word):
            CommandLineText.usageFailure("deviceauthctl", UsageError(unknownCommand(word)), help: "deviceauthctl --help")
        }
        do {
            let parsed = try ParsedOptions.parse(arguments, specs: GlobalOptions.specs + command.options)
            if parsed.flag("version") {
                print("deviceauthctl \(Release.version)")
                return
            }
            if parsed.flag("help") {
                print(help(for: command, top: !CommandLine.arguments.dropFirst().contains(command.name)))
                return
            }
            if let extra = parsed.positionals.first { throw UsageError("unexpected argument \"\(extra)\"") }
            try command.init(parsed, options: GlobalOptions(parsed)).run()
        } catch let error as UsageError {
            CommandLineText.usageFailure("deviceauthctl", error, help: "deviceauthctl \(command.name) --help")
        } catch let exit as ExitCode {
            exitWith(exit.code)
        } catch {
            exitWith(1, message: "deviceauthctl: \(error)")
        }
    }

    enum Found {
        case command(any CtlCommand.Type)
        /// `help [COMMAND]`: the list, or one command's help.
        case help((any CtlCommand.Type)?)
        case unknown(String)
    }

    /// The subcommand: the first word that is neither an option nor an option's value
    /// (`--socket P status` works too). nil: none given (status).
    static func takeCommand(from arguments: inout [String]) -> Found? {
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "--" { return nil }
            if argument.hasPrefix("-") {
                let takesValue = GlobalOptions.specs.contains { spec in
                    spec.valueName != nil && (argument == "--\(spec.name)" || spec.short.map { argument == "-\($0)" } == true)
                }
                index += takesValue ? 2 : 1
                continue
            }
            arguments.remove(at: index)
            if argument == "help" {
                guard let topic = arguments.dropFirst(index).first(where: { !$0.hasPrefix("-") }) else { return .help(nil) }
                guard let command = commands.first(where: { $0.name == topic }) else { return .unknown(topic) }
                return .help(command)
            }
            guard let command = commands.first(where: { $0.name == argument }) else { return .unknown(argument) }
            return .command(command)
        }
        return nil
    }

    /// `unknown command "paer" (did you mean "pair"?)` and the list: a typo, not a usage puzzle.
    static func unknownCommand(_ word: String) -> String {
        let names = commands.map { $0.name }
        let suggestion = CommandLineText.nearest(word, among: names).map { " (did you mean \"\($0)\"?)" } ?? ""
        return "unknown command \"\(word.prefix(40))\"\(suggestion); the commands are " + (names + ["help"]).joined(separator: ", ")
    }

    static func help(for command: any CtlCommand.Type, top: Bool) -> String {
        var text: [String] = []
        if top {
            text.append("OVERVIEW: Control deviceauthd: pair the device, read its status, get its access token.")
            text.append("USAGE: deviceauthctl [<command>] [<options>]")
            text.append("COMMANDS:\n" + commands.map { "  " + $0.name.padding(8) + ($0.name == Status.name ? "(default) " : "") + $0.abstract }.joined(separator: "\n")
                        + "\n  " + "help".padding(8) + "List the commands, or show one's help (help pair).")
            text.append("OPTIONS:\n" + ParsedOptions.help(GlobalOptions.specs))
            text.append(CommandLineText.help(exitStatuses))
        } else {
            text.append("OVERVIEW: \(command.abstract)")
            if !command.discussion.isEmpty { text.append(command.discussion) }
            text.append("USAGE: deviceauthctl \(command.name) [<options>]")
            text.append("OPTIONS:\n" + ParsedOptions.help(command.options + GlobalOptions.specs))
        }
        return text.joined(separator: "\n\n")
    }
}

/// One subcommand: its name, help and options, built from what the command line said.
protocol CtlCommand {
    static var name: String { get }
    static var abstract: String { get }
    static var discussion: String { get }
    static var options: [OptionSpec] { get }
    init(_ parsed: ParsedOptions, options: GlobalOptions) throws(UsageError)
    func run() throws
}

extension CtlCommand {
    static var discussion: String { "" }
    static var options: [OptionSpec] { [] }
}

/// An exit status the CLI documents, thrown to leave with it.
struct ExitCode: Error {
    let code: Int32
    init(_ code: Int32) { self.code = code }
}

/// Options every subcommand takes.
struct GlobalOptions {
    static let specs: [OptionSpec] = [
        .option("socket", value: "path", "The control socket of deviceauthd (default /run/deviceauth/control.sock)."),
        .option("instance", short: "i", value: "name", "The instance of deviceauthd@.service to talk to: its socket is /run/deviceauth/NAME/control.sock."),
        .flag("json", "Print JSON (one object per line) instead of text."),
        .flag("version", "Print the release and exit."),
    ]

    let socket: String?
    let instance: String?
    let json: Bool

    init(_ parsed: ParsedOptions) throws(UsageError) {
        socket = parsed.value("socket")
        instance = parsed.value("instance")
        json = parsed.flag("json")
        if socket != nil && instance != nil { throw UsageError("give --socket or --instance, not both") }
        if let instance, instance.isEmpty || instance.contains("/") || instance.hasPrefix(".") {
            throw UsageError("--instance takes the name after deviceauthd@ (no slash), not \"\(instance)\"")
        }
    }

    /// The socket to connect to: --socket, else the instance's, else the single daemon's.
    var socketPath: String {
        socket ?? instance.map { "/run/deviceauth/\($0)/control.sock" } ?? "/run/deviceauth/control.sock"
    }
}

extension String {
    func padding(_ width: Int) -> String { self + String(repeating: " ", count: max(1, width - count)) }
}

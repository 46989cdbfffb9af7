import ArgumentParser
import ControlProtocol

/// `deviceauthctl`: talk to deviceauthd over its control socket.
@main
struct DeviceAuthCtl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deviceauthctl",
        abstract: "Control deviceauthd: pair the device, read its status, get its access token.",
        discussion: """
            Exit status:
              0   success
              1   the daemon could not do it (not paired, refresh failed, pairing denied or cancelled)
              2   wait: the state was not reached before --timeout
              64  bad usage
              69  deviceauthd is not reachable at the socket (not running?)
              77  permission denied: this user may not do that (see TokenReaders= in deviceauthd.conf)
              130 interrupted (Ctrl-C)
            """,
        subcommands: [Status.self, Pair.self, Cancel.self, Unpair.self, Token.self, Wait.self, Login.self],
        defaultSubcommand: Status.self
    )

    // Declared here too, so `deviceauthctl --socket PATH --json status` works as well as after the subcommand.
    @OptionGroup var options: GlobalOptions
}

/// Options every subcommand takes.
struct GlobalOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The control socket of deviceauthd (default /run/deviceauth/control.sock).", valueName: "path"))
    var socket: String?

    @Option(name: [.customShort("i"), .long],
            help: "The instance of deviceauthd@.service to talk to: its socket is /run/deviceauth/NAME/control.sock.")
    var instance: String?

    /// The socket to connect to: --socket, else the instance's, else the single daemon's.
    var socketPath: String {
        socket ?? instance.map { "/run/deviceauth/\($0)/control.sock" } ?? "/run/deviceauth/control.sock"
    }

    func validate() throws {
        if socket != nil && instance != nil { throw ValidationError("give --socket or --instance, not both") }
        if let instance, instance.isEmpty || instance.contains("/") || instance.hasPrefix(".") {
            throw ValidationError("--instance takes the name after deviceauthd@ (no slash), not \"\(instance)\"")
        }
    }

    @Flag(help: "Print JSON (one object per line) instead of text.")
    var json = false
}

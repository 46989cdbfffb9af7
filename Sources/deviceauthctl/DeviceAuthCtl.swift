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
    @Option(help: "The control socket of deviceauthd.")
    var socket = "/run/deviceauth/control.sock"

    @Flag(help: "Print JSON (one object per line) instead of text.")
    var json = false
}

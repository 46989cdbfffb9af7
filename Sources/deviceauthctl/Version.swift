// SPDX-License-Identifier: Apache-2.0
import CommandOptions
import ControlProtocol
import DisplayText
import Release

/// `deviceauthctl version`: this program's release and the one the daemon runs. They
/// differ after an update that did not restart the daemon, which support wants to know.
struct Version: CtlCommand {
    static let name = "version", abstract = "Show this program's release and the one deviceauthd is running."
    static let discussion = "They differ after an update that did not restart the daemon: systemctl restart deviceauthd then runs the installed one. --json prints the daemon's reply (this program's release is deviceauthctl --version)."
    let options: GlobalOptions
    init(_ parsed: ParsedOptions, options: GlobalOptions) { self.options = options }

    func run() throws {
        if !options.json { print("deviceauthctl \(Release.version)") }
        let reply = try Session(options).call(ControlRequest(VersionMethod.self))
        // A daemon older than this method answers unknown_method: that alone says it is old.
        if reply.error?.code == ControlError.Code.unknownMethod.rawValue, !options.json {
            print("deviceauthd   older than the version method (it predates this deviceauthctl): restart it to run the installed release")
            return
        }
        try Output(options).show(reply) { result in
            var text = DisplayText.line("deviceauthd   \(result.version) (running)")
            if result.version != Release.version {
                text += "\nThe daemon runs another release than the one installed with this program: systemctl restart deviceauthd runs the installed one."
            }
            return text
        }
    }
}

// SPDX-License-Identifier: Apache-2.0
import CommandOptions
import ControlProtocol
import DisplayText

/// `deviceauthctl doctor`: the daemon's own checks, one line each, worst first to the eye.
struct Doctor: CtlCommand {
    static let name = "doctor", abstract = "Check each link from the daemon to the provider and say what to fix (administrators)."
    static let discussion = """
        The daemon runs the checks itself, in its own sandbox and with its own settings: the configuration and \
        secret, the token key and store, the client id, the clock, then for each provider host DNS, TCP, the \
        proxy, TLS (the chain it presents), one request without credentials, and last the control socket's and \
        QR files' permissions and the token's time left. At most 30 s. Nothing secret is printed; --json gives \
        the same as one object, for a support bundle. Exit status 1 when a check failed.
        """
    let options: GlobalOptions
    init(_ parsed: ParsedOptions, options: GlobalOptions) { self.options = options }

    func run() throws {
        let session: Session
        do { session = try Session(options) } catch let exit as ExitCode {
            if !options.json { print("FAIL  daemon         not reachable at \(options.socketPath): start it (systemctl start deviceauthd) and read why it stopped (journalctl -u deviceauthd)") }
            throw exit
        }
        Interrupt.say("deviceauthd finishes its checks by itself; nothing was changed")
        // The daemon bounds its run to 30 s; the wait here only covers a daemon that hangs.
        let reply = try session.call(ControlRequest(DoctorMethod.self), timeout: 45)
        try Output(options).check(reply)
        let checks = reply.result?.checks ?? []
        if options.json { Output.printJSON(reply) } else { print(Self.text(checks)) }
        if checks.contains(where: { $0.verdict == ControlCheck.Verdict.failed.rawValue }) { throw ExitCode(1) }
    }

    /// One line per check (`ok`, `WARN`, `FAIL`, `skip`), what to do under each that is not ok.
    static func text(_ checks: [ControlCheck]) -> String {
        var lines: [String] = []
        for check in checks {
            let verdict = switch check.verdict {
            case ControlCheck.Verdict.ok.rawValue: "ok"
            case ControlCheck.Verdict.warning.rawValue: "WARN"
            case ControlCheck.Verdict.failed.rawValue: "FAIL"
            default: "skip"
            }
            let target = check.target.map { "\($0): " } ?? ""
            lines.append(DisplayText.line(verdict.padding(6) + check.name.padding(15) + target + check.detail, maxBytes: 1000))
            if let advice = check.advice { lines.append(DisplayText.line(String(repeating: " ", count: 21) + "-> " + advice, maxBytes: 1000)) }
        }
        func count(_ verdict: ControlCheck.Verdict) -> Int { checks.filter { $0.verdict == verdict.rawValue }.count }
        let milliseconds = checks.compactMap(\.milliseconds).reduce(0, +)
        lines.append("\(checks.count) checks: \(count(.ok)) ok, \(count(.warning)) warning\(count(.warning) == 1 ? "" : "s"), \(count(.failed)) failed, \(count(.skipped)) not tried (\(milliseconds < 1000 ? "\(milliseconds) ms" : "\(milliseconds / 1000).\(milliseconds % 1000 / 100) s"))")
        return lines.joined(separator: "\n")
    }
}

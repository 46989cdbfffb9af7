// SPDX-License-Identifier: Apache-2.0
import CommandOptions
import ControlProtocol
import DisplayText
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

struct Status: CtlCommand {
    static let name = "status", abstract = "Show what deviceauthd is doing."
    let options: GlobalOptions
    init(_ parsed: ParsedOptions, options: GlobalOptions) { self.options = options }

    func run() throws {
        let reply = try Session(options).call(ControlRequest(StatusMethod.self))
        try Output(options).show(reply) { Output.describe($0.status) }
    }
}

struct Pair: CtlCommand {
    static let name = "pair", abstract = "Start pairing if needed, show the code, the URL and a QR code, and follow until paired."
    static let discussion = "New codes are shown as old ones expire. Ctrl-C stops following; pairing goes on in the daemon."
    static let defaultHint = "Ctrl-C stops following; pairing goes on in the daemon"
    static let options: [OptionSpec] = [
        .flag("no-qr", "Do not draw the QR code."),
        .option("hint", value: "text", "The line shown while waiting for approval (default: \(defaultHint))."),
    ]
    let options: GlobalOptions
    let noQR: Bool
    let hint: String
    init(_ parsed: ParsedOptions, options: GlobalOptions) {
        self.options = options
        noQR = parsed.flag("no-qr")
        hint = parsed.value("hint") ?? Self.defaultHint
    }

    func run() throws {
        let session = try Session(options)
        // Already pairing (AutoPair=yes): only follow, which a PairingViewers= member (the
        // camera's UI) may do; starting a pairing is for administrators.
        let current = try session.call(ControlRequest(StatusMethod.self))
        try Output(options).check(current)
        if current.result?.status.state != "polling" {
            try Output(options).check(try session.call(ControlRequest(PairMethod.self)))
        }
        Interrupt.say("stopped following; pairing goes on in deviceauthd (deviceauthctl status shows the code, deviceauthctl cancel stops it)")
        try session.client.send(ControlRequest(WatchMethod.self))
        var shownCode: String?
        // Once paired, wait a moment for the project's name (devices/me follows the tokens).
        var pairedDeadline: Double?
        while true {
            let reply: ControlReply<StatusResult>
            do {
                reply = try session.client.receive(WatchMethod.self, timeout: pairedDeadline.map { max(0.01, $0 - Session.now()) })
            } catch .timedOut {
                if !options.json { print("Paired.") }
                return
            } catch {
                throw Output.fail("\(error)", code: 69)
            }
            try Output(options).check(reply)
            guard let status = reply.result?.status else { continue }
            if options.json { Output.printJSON(reply); fflush(nil) }
            switch status.state {
            case "authorized", "refreshing":
                guard let project = status.project else {
                    if pairedDeadline == nil { pairedDeadline = Session.now() + 5 }
                    continue
                }
                if !options.json { print(DisplayText.line("Paired: project \(project).")) }
                return
            case "unpaired":
                if !options.json { print(DisplayText.line("Not paired: \(status.problem ?? status.status)")) }
                throw ExitCode(1)
            default:
                if status.codeWithheld == true {
                    throw Output.fail("this user may not see the pairing code: it is shown to root, the daemon's user and PairingViewers= in deviceauthd.conf", code: 77, quiet: options.json)
                }
                guard !options.json, let code = status.userCode, code != shownCode else { continue }
                shownCode = code
                Output.showPairing(status, qr: !noQR, hint: hint)
                fflush(nil)
            }
        }
    }
}

struct Cancel: CtlCommand {
    static let name = "cancel", abstract = "Stop pairing (the device stays unpaired)."
    let options: GlobalOptions
    init(_ parsed: ParsedOptions, options: GlobalOptions) { self.options = options }

    func run() throws {
        let reply = try Session(options).call(ControlRequest(CancelMethod.self))
        try Output(options).show(reply) { Output.describe($0.status) }
    }
}

struct Unpair: CtlCommand {
    static let name = "unpair", abstract = "Revoke the authorization at the provider, wipe the tokens, stay unpaired."
    let options: GlobalOptions
    init(_ parsed: ParsedOptions, options: GlobalOptions) { self.options = options }

    func run() throws {
        let reply = try Session(options).call(ControlRequest(UnpairMethod.self))
        try Output(options).show(reply) { "Unpaired: " + $0.message + "." }
    }
}

struct Token: CtlCommand {
    static let name = "token", abstract = "Print the current access token (text: the token alone, for scripts)."
    static let discussion = "With --min-valid the daemon refreshes first when the token would expire sooner."
    static let options: [OptionSpec] = [.option("min-valid", value: "seconds", "The token must stay valid at least this many seconds (default: any valid token).")]
    let options: GlobalOptions
    let minValid: Double
    init(_ parsed: ParsedOptions, options: GlobalOptions) throws(UsageError) {
        self.options = options
        minValid = try parsed.number("min-valid") ?? 0
    }

    func run() throws {
        Interrupt.say("no token was printed; deviceauthd goes on")
        let reply = try Session(options).call(ControlRequest(TokenMethod.self, TokenParameters(minValidSeconds: minValid)), timeout: 120)
        try Output(options).check(reply)
        guard let token = reply.result?.token else { throw Output.fail("the daemon sent no token", code: 1) }
        if options.json { Output.printJSON(reply) } else { print(token.accessToken) }
    }
}

struct Refresh: CtlCommand {
    static let name = "refresh", abstract = "Refresh the tokens now, even during a backoff (administrators; for support)."
    static let discussion = "Programs use token --min-valid instead: it never makes the daemon refresh more often than the tokens' lifecycle and the backoff allow."
    let options: GlobalOptions
    init(_ parsed: ParsedOptions, options: GlobalOptions) { self.options = options }

    func run() throws {
        Interrupt.say("deviceauthd finishes the refresh by itself (deviceauthctl status shows how it went)")
        let reply = try Session(options).call(ControlRequest(RefreshMethod.self), timeout: 120)
        try Output(options).show(reply) { "Refreshed.\n" + Output.describe($0.status) }
    }
}

struct Wait: CtlCommand {
    static let name = "wait", abstract = "Wait until the daemon is in a state (e.g. authorized)."
    static let discussion = "Waits for the daemon's socket to appear too, so a boot script can start the daemon and wait for it at once."
    static let options: [OptionSpec] = [
        .option("until", value: "state", "unpaired, polling, authorized or refreshing."),
        .option("timeout", value: "seconds", "Give up after this many seconds (exit status 2, whether or not the daemon ever appeared)."),
    ]
    let options: GlobalOptions
    let until: String
    let timeout: Double?

    init(_ parsed: ParsedOptions, options: GlobalOptions) throws(UsageError) {
        self.options = options
        guard let until = parsed.value("until") else { throw UsageError("missing --until <state>") }
        guard ["unpaired", "polling", "authorized", "refreshing"].contains(until) else {
            throw UsageError("--until must be unpaired, polling, authorized or refreshing")
        }
        self.until = until
        timeout = try parsed.number("timeout")
    }

    func run() throws {
        let deadline = timeout.map { Session.now() + $0 }
        var lastState: String?
        // A boot script may start the daemon and wait for it at once: the socket may not exist yet.
        Interrupt.say("stopped waiting for \(until); deviceauthd goes on (deviceauthctl status shows where it is)")
        let session = try Session(options, waitingUntil: deadline, for: until)
        try session.client.send(ControlRequest(WatchMethod.self))
        func timedOut() -> ExitCode { Output.fail("timed out waiting for \(until) (deviceauthd is \(lastState ?? "running"))", code: 2) }
        while true {
            let left = deadline.map { $0 - Session.now() }
            if let left, left <= 0 { throw timedOut() }
            let reply: ControlReply<StatusResult>
            do { reply = try session.client.receive(WatchMethod.self, timeout: left) } catch .timedOut {
                throw timedOut()
            } catch { throw Output.fail("\(error)", code: 69) }
            try Output(options).check(reply)
            lastState = reply.result?.status.state ?? lastState
            if reply.result?.status.state == until {
                try Output(options).show(reply) { Output.describe($0.status) }
                return
            }
        }
    }
}

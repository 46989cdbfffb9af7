import ArgumentParser
import ControlProtocol
#if canImport(Glibc)
import Glibc
#endif

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show what deviceauthd is doing.")
    @OptionGroup var options: GlobalOptions

    func run() throws {
        let reply = try Session(options).call(.init(method: "status"))
        try Output(options).show(reply) { status in Output.describe(status) }
    }
}

struct Pair: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Start pairing if needed, show the code, the URL and a QR code, and follow until paired.",
        discussion: "New codes are shown as old ones expire. Ctrl-C stops following; pairing goes on in the daemon.")
    @OptionGroup var options: GlobalOptions

    @Flag(help: "Do not draw the QR code.")
    var noQR = false

    func run() throws {
        let session = try Session(options)
        let started = try session.call(.init(method: "pair"))
        try Output(options).check(started)
        try session.client.send(.init(method: "watch"))
        var shownCode: String?
        // Once paired, wait a moment for the project's name (devices/me follows the tokens).
        var pairedDeadline: Double?
        while true {
            let reply: ControlReply
            do {
                reply = try session.client.receive(timeout: pairedDeadline.map { max(0.01, $0 - Session.now()) })
            } catch .timedOut {
                if !options.json { print("Paired.") }
                return
            } catch {
                throw Output.fail("\(error)", code: 69)
            }
            try Output(options).check(reply)
            guard let status = reply.status else { continue }
            if options.json { Output.printJSON(reply); fflush(nil) }
            switch status.state {
            case "authorized", "refreshing":
                guard let project = status.project else {
                    if pairedDeadline == nil { pairedDeadline = Session.now() + 5 }
                    continue
                }
                if !options.json { print("Paired: project \(project).") }
                return
            case "unpaired":
                if !options.json { print("Not paired: \(status.problem ?? status.status)") }
                throw ExitCode(1)
            default:
                guard !options.json, let code = status.userCode, code != shownCode else { continue }
                shownCode = code
                Output.showPairing(status, qr: !noQR)
                fflush(nil)
            }
        }
    }
}

struct Cancel: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Stop pairing (the device stays unpaired).")
    @OptionGroup var options: GlobalOptions

    func run() throws {
        let reply = try Session(options).call(.init(method: "cancel"))
        try Output(options).show(reply) { Output.describe($0) }
    }
}

struct Unpair: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Revoke the authorization at the provider, wipe the tokens, stay unpaired.")
    @OptionGroup var options: GlobalOptions

    func run() throws {
        let reply = try Session(options).call(.init(method: "unpair"))
        try Output(options).show(reply) { _ in "Unpaired: " + (reply.message ?? "the tokens are wiped") + "." }
    }
}

struct Token: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the current access token (text: the token alone, for scripts).",
        discussion: "With --min-valid the daemon refreshes first when the token would expire sooner.")
    @OptionGroup var options: GlobalOptions

    @Option(help: "The token must stay valid at least this many seconds.")
    var minValid: Double = 0

    func run() throws {
        let reply = try Session(options).call(.init(method: "token", minValidSeconds: minValid), timeout: 120)
        try Output(options).check(reply)
        guard let token = reply.token else { throw Output.fail("the daemon sent no token", code: 1) }
        if options.json { Output.printJSON(reply) } else { print(token.accessToken) }
    }
}

struct Wait: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Wait until the daemon is in a state (e.g. authorized).")
    @OptionGroup var options: GlobalOptions

    @Option(help: "unpaired, polling, authorized or refreshing.")
    var until: String

    @Option(help: "Give up after this many seconds (exit status 2).")
    var timeout: Double?

    func validate() throws {
        guard ["unpaired", "polling", "authorized", "refreshing"].contains(until) else {
            throw ValidationError("--until must be unpaired, polling, authorized or refreshing")
        }
        if let timeout, timeout < 0 { throw ValidationError("--timeout must not be negative") }
    }

    func run() throws {
        let session = try Session(options)
        try session.client.send(.init(method: "watch"))
        let deadline = timeout.map { Session.now() + $0 }
        while true {
            let left = deadline.map { $0 - Session.now() }
            if let left, left <= 0 { throw Output.fail("timed out waiting for \(until)", code: 2) }
            let reply: ControlReply
            do { reply = try session.client.receive(timeout: left) } catch .timedOut {
                throw Output.fail("timed out waiting for \(until)", code: 2)
            } catch { throw Output.fail("\(error)", code: 69) }
            try Output(options).check(reply)
            if reply.status?.state == until {
                try Output(options).show(reply) { Output.describe($0) }
                return
            }
        }
    }
}

// SPDX-License-Identifier: Apache-2.0
import CLinux
import ControlProtocol
import DisplayText
import QRCode
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Human text by default, one JSON object per line with --json.
struct Output {
    let options: GlobalOptions
    init(_ options: GlobalOptions) { self.options = options }

    /// Throws the documented exit status for an error reply.
    func check<Result>(_ reply: ControlReply<Result>) throws {
        guard !reply.ok else { return }
        let error = reply.error ?? ControlError(.badRequest, "the daemon refused without saying why")
        if options.json { Self.printJSON(reply) }
        let code: Int32 = switch error.code {
        case ControlError.Code.permissionDenied.rawValue: 77
        default: 1
        }
        throw Self.fail(error.message, code: code, quiet: options.json)
    }

    /// The result as text, or with --json the reply as the daemon sent it.
    func show<Result>(_ reply: ControlReply<Result>, text: (Result) -> String) throws {
        try check(reply)
        if options.json { Self.printJSON(reply) } else if let result = reply.result { print(text(result)) }
    }

    /// The line as the daemon sent it (one JSON object), or as it would have been sent.
    static func printJSON<Result>(_ reply: ControlReply<Result>) {
        let line = reply.line.isEmpty ? Array(ControlJSON.encode(reply).dropLast()) : reply.line
        print(String(decoding: line, as: UTF8.self))
    }

    /// What the daemon says is shown as text, never as terminal input: a name from the
    /// provider reaches it from the daemon, and an older daemon may pass it on as it came.
    static func describe(_ status: ControlStatus) -> String {
        var lines = ["State:   \(status.state)", "Status:  \(status.status)"]
        if let code = status.userCode { lines.append("Code:    \(code)") }
        if status.codeWithheld == true { lines.append("Code:    not shown to this user (only to root, the daemon's user and PairingViewers=)") }
        if let url = status.qrURL { lines.append("URL:     \(url)") }
        if let account = status.account { lines.append("Account: \(account)") }
        if let project = status.project { lines.append("Project: \(project)") }
        if let expires = status.tokenExpiresAt {
            // 64-bit, from the clock's 64-bit reading: time(nil) ends in 2038 where time_t is 32 bits.
            let now = deviceauth_clock_nanoseconds(CLOCK_REALTIME) / 1_000_000_000
            let (difference, overflow) = expires.subtractingReportingOverflow(now)
            let left = overflow ? (expires > now ? Int64.max : 0) : max(0, difference)
            let span = left >= 3600 ? "\(left / 3600)h\(String(format2: (left % 3600) / 60))m" : left >= 60 ? "\(left / 60) min" : "\(left) s"
            lines.append("Token:   valid for \(span) more")
        }
        if let problem = status.problem { lines.append("Problem: \(problem)") }
        if let socket = status.forwarderSocket { lines.append("API:     \(socket) (curl --unix-socket \(socket) http://provider/PATH)") }
        if let clientID = status.clientID { lines.append("Client:  \(clientID) (\(status.clientIDSource.map(ControlStatus.describeClientIDSource) ?? "unknown source"))") }
        return lines.map { DisplayText.line($0) }.joined(separator: "\n")
    }

    /// The code, the URL and (when there is one) a QR code of it, drawn for this terminal.
    static func showPairing(_ status: ControlStatus, qr: Bool, hint: String) {
        print("")
        print(DisplayText.line("To pair this device, open \(status.verificationURI ?? "the provider's activation page") and enter \(status.userCode ?? "?")"))
        if let complete = status.verificationURIComplete { print(DisplayText.line("or open \(complete)")) }
        if qr, let url = status.qrURL, let code = try? QRCode(url) {
            print("")
            print(code.terminalText(colors: isatty(STDOUT_FILENO) == 1, indent: "  "), terminator: "")
            print(QRCode.scanAdvice)
        }
        print("Waiting for approval… (\(hint))")
    }

    /// A line for the person at the terminal, on stderr (stdout stays for results).
    static func note(_ message: String) {
        var line = Array("deviceauthctl: \(DisplayText.line(message))\n".utf8)
        _ = line.withUnsafeMutableBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }

    static func fail(_ message: String, code: Int32, quiet: Bool = false) -> ExitCode {
        if !quiet {
            var line = Array("deviceauthctl: \(DisplayText.line(message))\n".utf8)
            _ = line.withUnsafeMutableBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
        }
        return ExitCode(code)
    }
}

extension String {
    init(format2 value: Int64) { self = value < 10 ? "0\(value)" : "\(value)" }
}

// SPDX-License-Identifier: Apache-2.0
import CommandOptions
import ControlProtocol
import QRCode
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

struct Login: CtlCommand {
    static let name = "login", abstract = "Log in: through a browser (Type=oauth2), or with an email and password (Type=cameramanager)."
    static let discussion = """
            The daemon makes the PKCE verifier and state and exchanges the code itself. The browser is
            sent back to a listener on 127.0.0.1 here; when the browser is on another machine, paste the
            URL it ended on (the address bar of the page that failed to load) and press Enter.
            With --refresh-token-file, a refresh token obtained elsewhere is imported instead: the daemon
            refreshes with it at once and keeps it only if that works.
            With --username (Type=cameramanager), the password is asked for on the terminal without echo,
            or read from standard input with --password-stdin; the daemon uses it for one request and
            keeps it nowhere.
            """
    static let options: [OptionSpec] = [
        .option("refresh-token-file", value: "path", "Import the refresh token in this file instead of logging in."),
        .option("username", value: "email", "Log in as this user (email), with a password (Type=cameramanager)."),
        .flag("password-stdin", "With --username: read the password from standard input (one line) instead of asking."),
        .option("timeout", value: "seconds", "Give up after this many seconds (default 300)."),
        .flag("no-qr", "Do not draw the QR code."),
    ]
    let options: GlobalOptions
    let refreshTokenFile: String?
    let username: String?
    let passwordStdin: Bool
    let timeout: Double
    let noQR: Bool

    init(_ parsed: ParsedOptions, options: GlobalOptions) throws(UsageError) {
        self.options = options
        refreshTokenFile = parsed.value("refresh-token-file")
        username = parsed.value("username")
        passwordStdin = parsed.flag("password-stdin")
        timeout = try parsed.number("timeout") ?? 300
        noQR = parsed.flag("no-qr")
    }

    func run() throws {
        if passwordStdin && username == nil { throw Output.fail("--password-stdin goes with --username", code: 64) }
        Interrupt.say("the login was not finished and nothing was stored; run deviceauthctl login again")
        let session = try Session(options)
        if let refreshTokenFile { return try importToken(session, from: refreshTokenFile) }
        if let username { return try passwordLogin(session, username: username) }
        let listener = try LoopbackListener()
        let started = try session.call(ControlRequest(LoginStartMethod.self, LoginStartParameters(redirectURI: listener.redirectURI)))
        try Output(options).check(started)
        guard let login = started.result?.login else { throw Output.fail("the daemon sent no login URL", code: 1) }
        let listening = login.redirectURI == listener.redirectURI
        // The URL alone on its line, so it can be copied whole; the QR code for a phone.
        print("Open this URL on a phone or computer and log in:")
        print(login.url)
        if !noQR, let code = try? QRCode(login.url) {
            print(code.terminalText(colors: isatty(STDOUT_FILENO) == 1, indent: "  "), terminator: "")
        }
        print(listening ? "Waiting for the browser to come back to \(login.redirectURI) … or paste the URL it ended on and press Enter:"
                        : "Then paste the URL the browser ended on (\(login.redirectURI)?…) and press Enter:")
        fflush(nil)
        // Only this login's redirect ends the wait: anything else is noted and ignored until the timeout.
        switch listener.waitForRedirect(seconds: timeout, listen: listening, state: login.state) {
        case .code(let code):
            let finished = try session.call(ControlRequest(LoginFinishMethod.self, LoginFinishParameters(state: login.state, code: code)), timeout: 60)
            try Output(options).show(finished) { "Logged in.\n" + Output.describe($0.status) }
        case .refused(let error, let description):
            // The server's words, shown as text (Output.fail): a description may carry escape sequences.
            throw Output.fail("the authorization server answered \(error)\(description.map { ": \($0)" } ?? ""): nothing was stored", code: 1)
        case nil, .notThisLogin, .notARedirect:
            throw Output.fail("no redirect of this login within \(Int(timeout)) s: nothing was stored; run deviceauthctl login again", code: 1)
        }
    }

    private func passwordLogin(_ session: Session, username: String) throws {
        var password = passwordStdin ? try PasswordPrompt.fromStandardInput()
                                     : try PasswordPrompt.fromTerminal(prompt: "Password for \(username): ")
        defer { PasswordPrompt.zero(&password) }
        // The password never becomes a String: its bytes go into the request line, which is wiped after the write.
        do { try session.client.sendPasswordLogin(username: username, password: &password) } catch {
            throw Output.fail("\(error)", code: 69)
        }
        let reply = try session.receive(LoginPasswordMethod.self, timeout: 60)
        try Output(options).show(reply) { "Logged in as \(username).\n" + Output.describe($0.status) }
    }

    private func importToken(_ session: Session, from path: String) throws {
        guard let file = fopen(path, "r") else { throw Output.fail("\(path): \(String(cString: strerror(errno)))", code: 1) }
        defer { fclose(file) }
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        let count = fread(&buffer, 1, buffer.count, file)
        let token = String(decoding: buffer.prefix(count), as: UTF8.self).filter { !$0.isWhitespace }
        guard !token.isEmpty else { throw Output.fail("\(path) is empty", code: 1) }
        let reply = try session.call(ControlRequest(LoginImportMethod.self, LoginImportParameters(refreshToken: token)), timeout: 60)
        try Output(options).show(reply) { "Logged in with the imported refresh token.\n" + Output.describe($0.status) }
    }
}

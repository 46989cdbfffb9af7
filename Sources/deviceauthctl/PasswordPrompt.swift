// SPDX-License-Identifier: Apache-2.0
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Reads a password without echoing it: from the controlling terminal, or from
/// standard input (`--password-stdin`, for a camera's own UI). The bytes are
/// the caller's to zero; nothing here keeps a copy.
enum PasswordPrompt {
    static let maxBytes = 4096

    /// The terminal's settings while echo is off, put back if the user presses Ctrl-C.
    nonisolated(unsafe) private static var savedTerminal = termios()
    nonisolated(unsafe) private static var terminalFD: Int32 = -1

    /// One line from standard input, without its line end.
    static func fromStandardInput() throws -> [UInt8] {
        try readLine(from: STDIN_FILENO)
    }

    /// Asks on /dev/tty with echo off.
    static func fromTerminal(prompt: String) throws -> [UInt8] {
        let tty = open("/dev/tty", O_RDWR | O_CLOEXEC)
        guard tty >= 0 else {
            throw Output.fail("there is no terminal to ask for the password on: give it on standard input with --password-stdin", code: 1)
        }
        defer { close(tty) }
        _ = prompt.withCString { write(tty, $0, strlen($0)) }
        var settings = termios()
        let canHideEcho = tcgetattr(tty, &settings) == 0
        var previous: sighandler_t?
        if canHideEcho {
            savedTerminal = settings
            terminalFD = tty
            previous = signal(SIGINT) { _ in
                tcsetattr(PasswordPrompt.terminalFD, TCSAFLUSH, &PasswordPrompt.savedTerminal)
                let line = "\ndeviceauthctl: interrupted: no password was sent\n"
                _ = line.withCString { write(STDERR_FILENO, $0, strlen($0)) }
                _exit(130)
            }
            var quiet = settings
            quiet.c_lflag &= ~tcflag_t(ECHO)
            quiet.c_lflag |= tcflag_t(ICANON | ECHONL)
            tcsetattr(tty, TCSAFLUSH, &quiet)
        }
        defer {
            if canHideEcho {
                tcsetattr(tty, TCSAFLUSH, &savedTerminal)
                signal(SIGINT, previous ?? SIG_DFL)
            }
        }
        return try readLine(from: tty)
    }

    private static func readLine(from fd: Int32) throws -> [UInt8] {
        var line: [UInt8] = []
        line.reserveCapacity(256)
        var byte: UInt8 = 0
        while line.count < maxBytes {
            let count = read(fd, &byte, 1)
            if count < 0 && errno == EINTR { continue }
            if count <= 0 || byte == 0x0A { break }
            line.append(byte)
        }
        byte = 0
        if line.last == 0x0D { line.removeLast() }
        guard !line.isEmpty else {
            throw Output.fail("no password given: nothing was sent", code: 1)
        }
        return line
    }

    /// Overwrites the bytes in place.
    static func zero(_ bytes: inout [UInt8]) {
        _ = bytes.withUnsafeMutableBytes { $0.initializeMemory(as: UInt8.self, repeating: 0) }
    }
}

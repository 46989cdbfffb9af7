// SPDX-License-Identifier: Apache-2.0
import CLinux
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Ctrl-C while a command waits (a pairing followed, a wait, a login, the doctor): one line
/// that says it was interrupted and what goes on without us, then exit 130. Without it the
/// person sees the shell's prompt, or a "connection closed" that reads as an error.
enum Interrupt {
    /// The line the handler writes: set before the wait, read only by the handler.
    nonisolated(unsafe) private static var line: UnsafeMutableBufferPointer<UInt8>?

    static func say(_ message: String) {
        let bytes = Array("\ndeviceauthctl: interrupted: \(message)\n".utf8)
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: bytes.count)
        _ = buffer.initialize(from: bytes)
        line = buffer  // a former line is left allocated: the handler may be reading it
        let previous = signal(SIGINT) { _ in
            // Only async-signal-safe calls here: write(2) and _exit(2).
            if let line = Interrupt.line { _ = write(STDERR_FILENO, line.baseAddress, line.count) }
            _exit(130)
        }
        // Started with Ctrl-C ignored (a background job of a script): it stays ignored.
        if unsafeBitCast(previous, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self) { signal(SIGINT, SIG_IGN) }
        // A parent may hand down a mask that blocks it (a supervisor that takes its own
        // signals with sigwait); a command that waits on a person must hear Ctrl-C.
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }
}

#if canImport(Glibc)
import Glibc
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
        signal(SIGINT) { _ in
            // Only async-signal-safe calls here: write(2) and _exit(2).
            if let line = Interrupt.line { _ = write(STDERR_FILENO, line.baseAddress, line.count) }
            _exit(130)
        }
    }
}

// SPDX-License-Identifier: Apache-2.0
import DisplayText

/// A configuration the daemon refuses to run with. Every case names the file
/// (and line, where there is one) so the fix is obvious; the daemon exits 78
/// (EX_CONFIG) on any of them, which the unit lists in RestartPreventExitStatus=.
public enum ConfigError: Error, Equatable, CustomStringConvertible {
    /// A line of a config file is wrong.
    case invalid(file: String, line: Int, message: String)
    /// A config file cannot be read at all.
    case unreadable(path: String, reason: String)
    /// Something required is missing (e.g. no client secret anywhere).
    case missing(String)
    /// The client secret file cannot be used (unreadable, empty, or readable by others).
    case secret(path: String, reason: String)

    /// One bounded line, whatever the file held: messages quote the offending text, and
    /// a control character in it (a NUL, a newline, an ESC) would break a journal or STATUS
    /// line or a terminal.
    public var description: String {
        let text = switch self {
        case .invalid(let file, let line, let message): "\(file):\(line): \(message)"
        case .unreadable(let path, let reason): "\(path): cannot read the configuration: \(reason)"
        case .missing(let message): message
        case .secret(let path, let reason): "\(path): \(reason)"
        }
        return DisplayText.line(text, maxBytes: Self.maxBytes)
    }

    public static let exitCode: Int32 = 78
    /// A journal line's worth: the file, the line and what is wrong fit easily.
    static let maxBytes = 600
}

// SPDX-License-Identifier: Apache-2.0
import Logging
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// One line per event on stderr, for a terminal or a log file:
/// `deviceauthd[pid] <level> <state>: message key=value …`.
/// Written with a single write(2) so lines from concurrent tasks never interleave.
public struct LineLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    let identifier: String

    public init(label: String, identifier: String = "deviceauthd") {
        self.identifier = identifier
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var all = metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 })
        let state = all.removeValue(forKey: "state").map { " \($0):" } ?? ""
        all.removeValue(forKey: "message_id")
        let extra = all.sorted { $0.key < $1.key }.map { " \($0.key)=\($0.value)" }.joined()
        let line = "\(identifier)[\(getpid())] \(event.level)\(state) \(event.message)\(extra)\n"
        var bytes = Array(line.utf8)
        _ = bytes.withUnsafeMutableBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }
}

// SPDX-License-Identifier: Apache-2.0
import CLinux
import Logging
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A swift-log handler that writes to the journal with structured fields:
/// `MESSAGE`, `PRIORITY`, `SYSLOG_IDENTIFIER`, and each metadata key as an
/// upper-case field (`state` → `DEVICEAUTH_STATE`; `message_id` → `MESSAGE_ID`).
/// Use it when stderr is connected to the journal (`JournalLogHandler.stderrIsJournal`).
public struct JournalLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    let identifier: String
    let label: String

    public init(label: String, identifier: String = "deviceauthd") {
        self.label = label
        self.identifier = identifier
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields: [(name: String, value: String)] = [
            ("MESSAGE", "\(event.message)"),
            ("PRIORITY", "\(Self.priority(event.level))"),
            ("SYSLOG_IDENTIFIER", identifier),
            ("CODE_FILE", event.file),
            ("CODE_LINE", "\(event.line)"),
            ("CODE_FUNC", event.function),
        ]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) {
            fields.append((Self.fieldName(key), "\(value)"))
        }
        JournalSocket.send(fields)
    }

    static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    /// Journal field names are upper-case letters, digits and underscores, not starting with "_".
    static func fieldName(_ key: String) -> String {
        if key == "message_id" { return "MESSAGE_ID" }
        let upper = String(key.uppercased().map { $0.isLetter || $0.isNumber ? $0 : "_" })
        return "DEVICEAUTH_" + upper
    }

    /// True when systemd connected our stderr to the journal: `$JOURNAL_STREAM`
    /// names the device and inode of stderr (systemd.exec(5)).
    public static var stderrIsJournal: Bool {
        guard let raw = getenv("JOURNAL_STREAM") else { return false }
        let parts = String(cString: raw).split(separator: ":")
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else { return false }
        var info = deviceauth_file_status()
        guard deviceauth_fd_status(STDERR_FILENO, &info) == 0 else { return false }
        return info.device == device && info.inode == inode
    }
}

// SPDX-License-Identifier: Apache-2.0
import Foundation

/// Reads another process's writable memory (root, or the same user with ptrace
/// allowed) to check that a secret is gone from it.
enum ProcessMemory {
    /// How many times `needle` occurs in the writable mappings of `pid`.
    static func count(of needle: String, in pid: Int32) throws -> Int {
        let maps = try String(contentsOfFile: "/proc/\(pid)/maps", encoding: .utf8)
        let fd = open("/proc/\(pid)/mem", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        defer { close(fd) }
        let pattern = Data(needle.utf8)
        var hits = 0
        for line in maps.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 2, fields[1].hasPrefix("rw") else { continue }
            let bounds = fields[0].split(separator: "-").compactMap { UInt64($0, radix: 16) }
            guard bounds.count == 2, bounds[1] > bounds[0], bounds[1] - bounds[0] <= 1 << 31 else { continue }
            var region = Data(count: Int(bounds[1] - bounds[0]))
            let read = region.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(Int64(bitPattern: bounds[0]))) }
            guard read > 0 else { continue }  // [vvar] and guard pages cannot be read
            var start = region.startIndex
            let end = region.startIndex + read
            while let found = region.range(of: pattern, in: start..<end) {
                hits += 1
                start = found.upperBound
            }
        }
        return hits
    }

    /// The value of `Environment=NAME=…` in a shipped unit, so a test runs the daemon as the unit does.
    static func unitEnvironment(_ name: String, unit: String) throws -> String? {
        let text = try String(contentsOfFile: unit, encoding: .utf8)
        let prefix = "Environment=\(name)="
        return text.split(separator: "\n").first { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
    }
}

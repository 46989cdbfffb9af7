// SPDX-License-Identifier: Apache-2.0
/// One frame of the control protocol: a line, or the news that a line was too long.
package enum ControlFrame: Sendable, Equatable {
    case line([UInt8])
    case tooLong
}

/// Splits the byte stream at "\n". A line longer than `maxLength` is reported
/// once and skipped up to its newline, so one bad request costs neither the
/// connection nor the daemon's memory: at most `maxLength` bytes are held.
package struct LineFramer {
    let maxLength: Int
    private var pending: [UInt8] = []
    private var discarding = false

    package init(maxLength: Int) { self.maxLength = maxLength }

    package mutating func append(_ bytes: [UInt8]) -> [ControlFrame] {
        var frames: [ControlFrame] = []
        var start = bytes.startIndex
        while let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) {
            let piece = bytes[start..<newline]
            start = newline + 1
            if discarding {
                discarding = false
            } else if pending.count + piece.count > maxLength {
                frames.append(.tooLong)
            } else {
                frames.append(.line(pending + piece))
            }
            pending.removeAll(keepingCapacity: true)
        }
        let rest = bytes[start...]
        if discarding { return frames }
        if pending.count + rest.count > maxLength {
            frames.append(.tooLong)
            discarding = true
            pending.removeAll()
        } else {
            pending += rest
        }
        return frames
    }

    /// At the end of the stream: a last request without its newline still counts.
    package mutating func finish() -> ControlFrame? {
        defer { pending.removeAll() }
        return !discarding && !pending.isEmpty ? .line(pending) : nil
    }
}

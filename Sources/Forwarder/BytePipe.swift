// SPDX-License-Identifier: Apache-2.0
import Threads

/// Bytes handed from one thread to another through a bounded buffer: the writer waits
/// while it is full, so a fast side never fills the daemon's memory with what the slow
/// side has not taken yet (a 100 MB upload holds `capacity` bytes here, not 100 MB).
/// Every wait is bounded by the caller's timeout.
final class BytePipe: @unchecked Sendable {
    private let lock = ConditionLock()
    private var buffer: [UInt8] = []
    private var start = 0
    private let capacity: Int
    private var finished = false
    private var failed = false
    /// The reader went away: writes are refused.
    private var closed = false

    init(capacity: Int) {
        self.capacity = capacity
        buffer.reserveCapacity(capacity)
    }

    /// Waits for room; false when the reader went away, the pipe failed, or `seconds` passed.
    func write(_ bytes: UnsafeRawBufferPointer, seconds: Double) -> Bool {
        var offset = 0
        return lock.locked {
            while offset < bytes.count {
                while buffer.count - start >= capacity && !closed && !failed {
                    if !lock.wait(seconds: seconds) { return false }
                }
                guard !closed, !failed else { return false }
                if start > 0 && start == buffer.count { buffer.removeAll(keepingCapacity: true); start = 0 }
                let room = capacity - (buffer.count - start)
                let count = min(room, bytes.count - offset)
                buffer.append(contentsOf: bytes[offset..<(offset + count)])
                offset += count
                lock.broadcast()
            }
            return true
        }
    }

    /// The writer is done: the reader sees the end once it has taken the rest.
    func finish() { lock.locked { finished = true; lock.broadcast() } }
    /// The writer failed: the reader sees an error, not an end.
    func fail() { lock.locked { failed = true; lock.broadcast() } }
    /// The reader went away: the writer's next write fails.
    func close() { lock.locked { closed = true; lock.broadcast() } }

    /// Fills `into` with what there is (waiting for some); 0 at the end, nil when the
    /// writer failed or `seconds` passed with nothing.
    func read(into target: UnsafeMutableRawBufferPointer, seconds: Double) -> Int? {
        lock.locked {
            while start == buffer.count && !finished && !failed {
                if !lock.wait(seconds: seconds) { return nil }
            }
            if start == buffer.count { return failed ? nil : 0 }
            if failed { return nil }
            let count = min(target.count, buffer.count - start)
            buffer.withUnsafeBytes { target.baseAddress!.copyMemory(from: $0.baseAddress! + start, byteCount: count) }
            start += count
            if start == buffer.count { buffer.removeAll(keepingCapacity: true); start = 0 }
            lock.broadcast()
            return count
        }
    }
}

// SPDX-License-Identifier: Apache-2.0
import Threads

/// Bytes handed from one thread to another through a fixed ring of `capacity` bytes:
/// the writer waits while it is full, so a fast side never fills the daemon's memory
/// with what the slow side has not taken yet (a 100 MB upload holds `capacity` bytes
/// here, not 100 MB). Every wait is bounded by the caller's timeout.
final class BytePipe: @unchecked Sendable {
    private let lock = ConditionLock()
    private let ring: UnsafeMutableRawBufferPointer
    /// Where the next byte is read, and how many are held.
    private var head = 0
    private var held = 0
    private var finished = false
    private var failed = false
    /// The reader went away: writes are refused.
    private var closed = false

    init(capacity: Int) {
        ring = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, capacity), alignment: 16)
    }

    deinit { ring.deallocate() }

    /// Waits for room; false when the reader went away, the pipe failed, or `seconds` passed.
    func write(_ bytes: UnsafeRawBufferPointer, seconds: Double) -> Bool {
        var offset = 0
        return lock.locked {
            while offset < bytes.count {
                while held == ring.count && !closed && !failed {
                    if !lock.wait(seconds: seconds) { return false }
                }
                guard !closed, !failed else { return false }
                // Into the free part after the held bytes, up to the ring's end (the rest next round).
                let tail = (head + held) % ring.count
                let count = min(ring.count - held, ring.count - tail, bytes.count - offset)
                (ring.baseAddress! + tail).copyMemory(from: bytes.baseAddress! + offset, byteCount: count)
                held += count
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
            while held == 0 && !finished && !failed {
                if !lock.wait(seconds: seconds) { return nil }
            }
            if failed { return nil }
            if held == 0 { return 0 }
            let count = min(target.count, held, ring.count - head)
            target.baseAddress!.copyMemory(from: ring.baseAddress! + head, byteCount: count)
            head = (head + count) % ring.count
            held -= count
            lock.broadcast()
            return count
        }
    }
}

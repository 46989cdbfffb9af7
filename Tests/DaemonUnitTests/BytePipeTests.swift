// SPDX-License-Identifier: Apache-2.0
@testable import Forwarder
import Threads
import Testing

/// The forwarder's bounded hand-over between a connection's thread and its transfer's.
@Suite("Byte pipe")
struct BytePipeTests {
    @Test("A megabyte through a 1000-byte ring, in odd pieces each way, arrives whole and in order")
    func throughTheRing() async throws {
        let pipe = BytePipe(capacity: 1000)
        let sent = (0..<1_000_000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 / 251) }
        let writing = startDetachedThread {
            var offset = 0, piece = 1
            while offset < sent.count {
                let end = min(sent.count, offset + piece)
                _ = sent[offset..<end].withUnsafeBytes { pipe.write($0, seconds: 10) }
                offset = end
                piece = piece % 1777 + 313
            }
            pipe.finish()
        }
        #expect(writing)
        var received: [UInt8] = [], buffer = [UInt8](repeating: 0, count: 733)
        while true {
            let count = buffer.withUnsafeMutableBytes { pipe.read(into: $0, seconds: 10) }
            guard let count, count > 0 else { #expect(count == 0, "the pipe failed"); break }
            received += buffer.prefix(count)
        }
        #expect(received == sent)
    }

    @Test("Every wait is bounded; a reader that went away fails the writer; a failed writer fails the reader")
    func boundedAndEnded() {
        let pipe = BytePipe(capacity: 4)
        var buffer = [UInt8](repeating: 0, count: 8)
        #expect(buffer.withUnsafeMutableBytes { pipe.read(into: $0, seconds: 0.05) } == nil, "nothing came: a timeout, not an end")
        #expect(([1, 2, 3, 4] as [UInt8]).withUnsafeBytes { pipe.write($0, seconds: 0.05) })
        #expect(!([5] as [UInt8]).withUnsafeBytes { pipe.write($0, seconds: 0.05) }, "full, and nobody reads: the write gives up")
        pipe.close()
        #expect(!([5] as [UInt8]).withUnsafeBytes { pipe.write($0, seconds: 1) })
        let failed = BytePipe(capacity: 4)
        _ = ([1] as [UInt8]).withUnsafeBytes { failed.write($0, seconds: 1) }
        failed.fail()
        #expect(buffer.withUnsafeMutableBytes { failed.read(into: $0, seconds: 1) } == nil)
    }
}

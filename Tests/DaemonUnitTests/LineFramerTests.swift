// SPDX-License-Identifier: Apache-2.0
@testable import Control
import Testing

/// The control socket's framing, fed as a byte stream in every split.
@Suite("Control socket line framing")
struct LineFramerTests {
    func frames(_ chunks: [String], max: Int = 8) -> [ControlFrame] {
        var framer = LineFramer(maxLength: max)
        var frames = chunks.flatMap { framer.append(Array($0.utf8)) }
        if let last = framer.finish() { frames.append(last) }
        return frames
    }

    func line(_ text: String) -> ControlFrame { .line(Array(text.utf8)) }

    @Test("Lines come whole however the bytes are split; a last line without newline counts")
    func splits() {
        let text = "ab\ncdef\n\ngh"
        let expected = [line("ab"), line("cdef"), line(""), line("gh")]
        #expect(frames([text]) == expected)
        for cut in 0...text.utf8.count {
            let bytes = Array(text.utf8)
            let first = String(decoding: bytes[..<cut], as: UTF8.self), second = String(decoding: bytes[cut...], as: UTF8.self)
            #expect(frames([first, second]) == expected, "cut at \(cut)")
        }
        #expect(frames(text.map { String($0) }) == expected)
    }

    @Test("A line over the limit is reported once and skipped to its newline; the next line is served")
    func tooLong() {
        #expect(frames(["12345678\n"]) == [line("12345678")])
        #expect(frames(["123456789\nok\n"]) == [.tooLong, line("ok")])
        #expect(frames(["12345", "6789", "0123", "45\nok"]) == [.tooLong, line("ok")])
        #expect(frames(["123456789"]) == [.tooLong], "a long last line without newline is not served")
        // A megabyte without a newline holds no more than the limit.
        var framer = LineFramer(maxLength: 4096)
        var reported = 0
        for _ in 0..<16 { reported += framer.append([UInt8](repeating: 0x41, count: 64 * 1024)).count }
        #expect(reported == 1)
        #expect(framer.append(Array("\n{}\n".utf8)) == [line("{}")])
    }
}

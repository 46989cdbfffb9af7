// SPDX-License-Identifier: Apache-2.0
import DisplayText
import JSONCoding
import Testing

@Suite("Text from elsewhere, made safe to show")
struct DisplayTextTests {
    @Test("C0 controls, DEL and C1 controls become ?, tab and line breaks a space; bidi controls and a BOM are dropped")
    func replaced() {
        #expect(DisplayText.line("a\u{0}b\u{1B}[31mc\u{7F}d\u{80}e\u{9B}f\u{9F}g") == "a?b?[31mc?d?e?f?g")
        #expect(DisplayText.line("one\ntwo\r\nthree\tfour\u{2028}five\u{2029}six") == "one two  three four five six")
        let bidi: [Unicode.Scalar] = ["\u{202A}", "\u{202B}", "\u{202C}", "\u{202D}", "\u{202E}", "\u{2066}", "\u{2067}", "\u{2068}", "\u{2069}",
                                      "\u{200E}", "\u{200F}", "\u{061C}", "\u{FEFF}"]
        for scalar in bidi {
            #expect(DisplayText.line("x\(scalar)y") == "xy", "U+\(String(scalar.value, radix: 16))")
            #expect(!DisplayText.isShownAsIs(scalar))
        }
    }

    @Test("Letters of any script, emoji with joiners and punctuation are kept as they are")
    func kept() {
        for text in ["Studio B", "Tournage à Montréal", "שלום עולם", "مرحبا", "東京ロケ", "👩‍👩‍👧 family", "a\u{200D}b", "100% <ok> & \"fine\""] {
            #expect(DisplayText.line(text) == text)
            #expect(text.unicodeScalars.allSatisfy(DisplayText.isShownAsIs))
        }
    }

    @Test("The line is cut at maxBytes of UTF-8, never inside a character, with …")
    func bounded() {
        #expect(DisplayText.line(String(repeating: "a", count: 10), maxBytes: 10) == String(repeating: "a", count: 10))
        #expect(DisplayText.line(String(repeating: "a", count: 11), maxBytes: 10) == String(repeating: "a", count: 10) + "…")
        // "ש" is two bytes: five fit in 10, the sixth does not.
        #expect(DisplayText.line(String(repeating: "ש", count: 6), maxBytes: 10) == String(repeating: "ש", count: 5) + "…")
        // Dropped characters take no room.
        #expect(DisplayText.line(String(repeating: "\u{202E}", count: 100) + "abc", maxBytes: 3) == "abc")
    }

    @Test("JSON escapes what a terminal would act on, and reads it back intact")
    func json() throws {
        let text = "p\u{1B}[2J\u{7F}\u{9B}\u{202E}\u{2066}\u{2028}שלום👩‍👧"
        let written = String(decoding: JSONWriter.write(.string(text)), as: UTF8.self)
        #expect(written == #""p\u001b[2J\u007f\u009b\u202e\u2066\u2028שלום👩‍👧""#)
        #expect(try JSONParser.parse(Array(written.utf8)) == .string(text))
    }
}

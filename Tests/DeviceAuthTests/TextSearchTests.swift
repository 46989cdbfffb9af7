// SPDX-License-Identifier: Apache-2.0
import Primitives
import Testing

/// The daemon's own substring search (instead of _StringProcessing's, for its size).
@Suite("Text search")
struct TextSearchTests {
    @Test("includes and occurrences agree with a plain reading: overlaps not counted, empty and longer needles, non-ASCII")
    func search() {
        #expect("no alternative certificate subject name matches".includes("subject name"))
        #expect(!"host".includes("host name") && "".includes("") && "abc".includes(""))
        #expect("aaaa".occurrences(of: "aa") == 2 && "abc".occurrences(of: "") == 0 && "ab".occurrences(of: "abc") == 0)
        #expect("-----BEGIN CERTIFICATE-----\nx\n-----BEGIN CERTIFICATE-----".occurrences(of: "-----BEGIN CERTIFICATE-----") == 2)
        #expect("größe größe".occurrences(of: "öß") == 2 && "größe"[...].includes("ße"))
    }
}

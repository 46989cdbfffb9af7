// SPDX-License-Identifier: Apache-2.0
/// Finding text in text without `_StringProcessing`: its `contains(_:)` and `ranges(of:)`
/// on strings bring Swift's regex engine (`_StringProcessing` and `_RegexParser`, about
/// 900 KiB) into the statically linked daemon, which used them twice (a PEM marker, a
/// libcurl message). Byte-wise on UTF-8, which is exact for the markers and words sought.
extension StringProtocol {
    /// Whether `needle` occurs in this text.
    package func includes(_ needle: String) -> Bool {
        let pattern = Array(needle.utf8)
        return pattern.isEmpty || Self.offset(of: pattern, in: Array(utf8), from: 0) != nil
    }

    /// How many times `needle` occurs, not overlapping.
    package func occurrences(of needle: String) -> Int {
        let pattern = Array(needle.utf8), bytes = Array(utf8)
        guard !pattern.isEmpty else { return 0 }
        var count = 0, start = 0
        while let found = Self.offset(of: pattern, in: bytes, from: start) {
            count += 1
            start = found + pattern.count
        }
        return count
    }

    private static func offset(of pattern: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard bytes.count >= pattern.count, start <= bytes.count - pattern.count else { return nil }
        for offset in start...(bytes.count - pattern.count) where bytes[offset] == pattern[0] {
            if bytes[offset..<offset + pattern.count].elementsEqual(pattern) { return offset }
        }
        return nil
    }
}

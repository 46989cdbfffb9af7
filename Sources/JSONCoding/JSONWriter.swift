// SPDX-License-Identifier: Apache-2.0
import DisplayText
/// Writes a `JSONValue` compactly: members in order or sorted by name, "/" not
/// escaped, every control character escaped, so one document is one line.
public enum JSONWriter {
    public static func write(_ value: JSONValue, sortedKeys: Bool = true) -> [UInt8] {
        var out: [UInt8] = []
        write(value, sortedKeys: sortedKeys, into: &out)
        return out
    }

    private static func write(_ value: JSONValue, sortedKeys: Bool, into out: inout [UInt8]) {
        switch value {
        case .null: out += Array("null".utf8)
        case .bool(let flag): out += Array((flag ? "true" : "false").utf8)
        case .number(let text): out += Array(text.utf8)
        case .string(let text): writeString(text, into: &out)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (position, element) in elements.enumerated() {
                if position > 0 { out.append(UInt8(ascii: ",")) }
                write(element, sortedKeys: sortedKeys, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            let ordered = sortedKeys ? members.sorted { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) } : members
            for (position, (name, member)) in ordered.enumerated() {
                if position > 0 { out.append(UInt8(ascii: ",")) }
                writeString(name, into: &out)
                out.append(UInt8(ascii: ":"))
                write(member, sortedKeys: sortedKeys, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// Controls, C1 controls, bidi formatting characters and U+2028/U+2029 are written as
    /// `\\uXXXX` (JSON allows any character escaped): the text arrives intact, and a line of
    /// JSON printed to a terminal (`deviceauthctl status --json`) cannot drive it.
    private static func writeString(_ text: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for scalar in text.unicodeScalars {
            if scalar.isASCII {
                appendASCII(UInt8(scalar.value), into: &out)
            } else if !DisplayText.isShownAsIs(scalar) {
                appendUnicodeEscape(Int(scalar.value), into: &out)  // all of them are in the BMP
            } else {
                out += Array(String(scalar).utf8)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// A string's contents from raw UTF-8 bytes, escaped as `writeString` escapes ASCII (bytes
    /// of other characters go as they are): for a password, which is never made a `String`
    /// (its storage could not be wiped), escaped straight into the buffer that is sent.
    public static func appendEscaped(utf8 bytes: [UInt8], into out: inout [UInt8]) {
        for byte in bytes {
            if byte < 0x80 { appendASCII(byte, into: &out) } else { out.append(byte) }
        }
    }

    /// The one reading of how an ASCII character goes inside a JSON string: quote and backslash
    /// escaped, newline, return and tab by their letters, other controls and DEL as `\u00XX`.
    private static func appendASCII(_ byte: UInt8, into out: inout [UInt8]) {
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), byte]
        case UInt8(ascii: "\n"): out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
        case UInt8(ascii: "\r"): out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
        case UInt8(ascii: "\t"): out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
        case 0..<0x20, 0x7F: appendUnicodeEscape(Int(byte), into: &out)
        default: out.append(byte)
        }
    }

    private static func appendUnicodeEscape(_ value: Int, into out: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        out += Array("\\u".utf8) + [hex[value >> 12 & 0xF], hex[value >> 8 & 0xF], hex[value >> 4 & 0xF], hex[value & 0xF]]
    }
}

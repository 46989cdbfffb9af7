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
            switch scalar {
            case "\"": out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case "\\": out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case "\n": out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case "\r": out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case "\t": out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case _ where !DisplayText.isShownAsIs(scalar):
                let hex = Array("0123456789abcdef".utf8)
                let value = Int(scalar.value)  // all of them are in the BMP
                out += Array("\\u".utf8) + [hex[value >> 12 & 0xF], hex[value >> 8 & 0xF], hex[value >> 4 & 0xF], hex[value & 0xF]]
            case _ where scalar.isASCII: out.append(UInt8(scalar.value))
            default: out += Array(String(scalar).utf8)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

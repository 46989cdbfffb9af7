// SPDX-License-Identifier: Apache-2.0
extension DisplayText {
    /// Text made safe inside HTML or XML, in element content and in quoted attributes:
    /// `&`, `<`, `>`, `"` and `'` as entities. For the SVG QR code's caption and the fake
    /// provider's pages: one escaping for both.
    public static func markupEscaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}

// SPDX-License-Identifier: Apache-2.0
/// Text that came from elsewhere (a provider's project name, a redirect's
/// `error_description`, a config file's bad line) made safe to show: on a terminal,
/// in a STATUS= line, in the journal. What a terminal or a renderer would take as
/// an instruction rather than as text is replaced:
/// - C0 controls (an ESC starts a terminal escape sequence; a newline forges a second
///   log line), DEL, and C1 controls (U+0080–U+009F; U+009B is a one-character CSI on
///   some terminals) become "?"; a tab, CR or newline becomes a space.
/// - Bidirectional formatting characters (U+202A–U+202E embeddings and overrides,
///   U+2066–U+2069 isolates, U+200E/U+200F/U+061C marks) are dropped: they make text
///   read in another order than it is stored ("Trojan Source", CVE-2021-42574), and
///   Hebrew or Arabic letters display right to left without them.
/// - Line and paragraph separators (U+2028, U+2029) become a space; a byte order
///   mark (U+FEFF) is dropped.
/// The result is one line, at most `maxBytes` of UTF-8 (then "…").
public enum DisplayText {
    public static func line(_ text: some StringProtocol, maxBytes: Int = 600) -> String {
        var line = String.UnicodeScalarView()
        var bytes = 0
        for scalar in text.unicodeScalars {
            guard let shown = shown(scalar) else { continue }
            bytes += shown.utf8.count
            guard bytes <= maxBytes else { line.append("…"); break }
            line.append(shown)
        }
        return String(line)
    }

    /// What `scalar` is shown as: itself, a stand-in, or nothing.
    static func shown(_ scalar: Unicode.Scalar) -> Unicode.Scalar? {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D, 0x2028, 0x2029: " "
        case 0x00..<0x20, 0x7F, 0x80...0x9F: "?"
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069, 0xFEFF: nil
        default: scalar
        }
    }

    /// Whether `scalar` is shown as it is (else a writer that can escape it, JSON's, does).
    public static func isShownAsIs(_ scalar: Unicode.Scalar) -> Bool { shown(scalar) == scalar }
}

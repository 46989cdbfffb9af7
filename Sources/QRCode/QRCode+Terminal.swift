// SPDX-License-Identifier: Apache-2.0
/// Drawing a QR code in a terminal with UTF-8 half blocks: each character
/// holds two modules (upper and lower half), so the code stays square.
extension QRCode {
    /// - Parameter colors: force black on white with ANSI escapes, so the code
    ///   scans on dark and light terminals alike. Without them, dark modules are
    ///   drawn as blocks (right on a light background).
    public func terminalText(colors: Bool, indent: String = "") -> String {
        let quiet = Self.quietZone
        let span = -quiet..<(size + quiet)
        var lines: [String] = []
        var y = -quiet
        while y < size + quiet {
            var line = indent + (colors ? "\u{1B}[30;47m" : "")
            for x in span {
                switch (isDark(x: x, y: y), isDark(x: x, y: y + 1) && y + 1 < size + quiet) {
                case (true, true): line += "█"
                case (true, false): line += "▀"
                case (false, true): line += "▄"
                case (false, false): line += " "
                }
            }
            line += colors ? "\u{1B}[0m" : ""
            lines.append(line)
            y += 2
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

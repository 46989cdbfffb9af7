// SPDX-License-Identifier: Apache-2.0
extension StringProtocol {
    /// Without leading and trailing spaces, tabs and carriage returns (an INI line, a
    /// provider's error text): not Foundation's, which the daemon does not link.
    package func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}

// SPDX-License-Identifier: Apache-2.0
import QRCode

/// The verification URL a provider sends (untrusted) is drawn as a QR code by
/// our own encoder: any text of 1 to 2048 bytes encodes, at the smallest
/// version that holds it, with its finder patterns in place, and every
/// renderer draws it; anything else is refused, never trapped on.
enum QRCodeTarget {
    static func qrCode(_ bytes: [UInt8]) throws(PropertyViolation) {
        let text = String(decoding: bytes, as: UTF8.self)
        let code: QRCode
        do {
            code = try QRCode(text)
        } catch {
            try require(text.isEmpty || text.utf8.count > 2048, "a text of \(text.utf8.count) bytes was refused")
            return
        }
        try require(!text.isEmpty && text.utf8.count <= 2048, "a text of \(text.utf8.count) bytes was encoded")
        let version = (code.size - 17) / 4
        try require((1...40).contains(version) && code.size == version * 4 + 17, "a code of \(code.size) modules a side")
        try require(code.modules.count == code.size * code.size, "\(code.modules.count) modules for a side of \(code.size)")
        if version > 1 {
            let needed = QREncoder.dataBits(text.utf8.count, version: version - 1)
            try require(needed > QREncoder.dataCodewords(version - 1) * 8, "version \(version) where \(version - 1) holds the text")
        }
        // The three finder patterns: a dark ring, a light ring, a dark 3×3 centre.
        for (left, top) in [(0, 0), (code.size - 7, 0), (0, code.size - 7)] {
            for y in 0..<7 {
                for x in 0..<7 {
                    let ring = max(abs(x - 3), abs(y - 3))
                    try require(code.isDark(x: left + x, y: top + y) == (ring != 2), "a finder pattern broken at \(left + x),\(top + y)")
                }
            }
        }
        // The renderers, on the sizes a verification URL has (up to version 10; larger
        // codes would only slow the fuzzer down: the renderers do not branch on size).
        guard version <= 10 else { return }
        let lines = code.terminalText(colors: false).split(separator: "\n").count
        try require(lines == (code.size + 2 * QRCode.quietZone + 1) / 2, "\(lines) terminal lines for \(code.size) modules")
        let svg = code.svg(minimumPixels: 64)
        try require(svg.hasSuffix("</svg>\n") || svg.hasSuffix("</svg>"), "an SVG cut short")
        try require(code.png(minimumPixels: 64).starts(with: [0x89, 0x50, 0x4E, 0x47]), "a PNG without its signature")
    }
}

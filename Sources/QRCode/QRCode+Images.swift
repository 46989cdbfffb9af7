// SPDX-License-Identifier: Apache-2.0
import DisplayText

/// The QR code as images for the camera's screen: black on white, the
/// 4-module quiet zone, at least `minimumPixels` wide.
extension QRCode {
    /// Pixels per module so the whole image (quiet zone included) is at least `minimumPixels`.
    public func scale(minimumPixels: Int) -> Int {
        let total = size + 2 * Self.quietZone
        return max(1, (minimumPixels + total - 1) / total)
    }

    /// A 1-bit grayscale PNG.
    public func png(minimumPixels: Int = 256) -> [UInt8] {
        let scale = scale(minimumPixels: minimumPixels)
        let quiet = Self.quietZone
        let pixels = (size + 2 * quiet) * scale
        let rowBytes = (pixels + 7) / 8
        var raw: [UInt8] = []
        raw.reserveCapacity((rowBytes + 1) * pixels)
        for py in 0..<pixels {
            raw.append(0)  // filter: none
            var row = [UInt8](repeating: 0, count: rowBytes)
            for px in 0..<pixels where !isDark(x: px / scale - quiet, y: py / scale - quiet) {
                row[px / 8] |= 0x80 >> UInt8(px % 8)  // 1 = white in grayscale
            }
            raw += row
        }
        return PNGEncoder.grayscale1Bit(width: pixels, height: pixels, raw: raw)
    }

    /// What the provider's guide asks to show beside a pairing QR code (terminal and screen alike).
    public static let scanAdvice = "Scan this code with your smartphone camera to pair your device."

    /// An SVG with one path of dark modules over a white square; with a `caption`,
    /// a line of text under the code (in its own band, outside the quiet zone).
    public func svg(minimumPixels: Int = 256, caption: String? = nil) -> String {
        let quiet = Self.quietZone
        let total = size + 2 * quiet
        let scale = scale(minimumPixels: minimumPixels)
        let band = caption == nil ? 0 : 4
        var path = ""
        for y in 0..<size {
            for x in 0..<size where isDark(x: x, y: y) { path += "M\(x + quiet) \(y + quiet)h1v1h-1z" }
        }
        let text = caption.map { words in
            // Stretched to the code's width, whatever the font: a camera screen has no room to spare.
            "<text x=\"\(total / 2)\" y=\"\(total + 1)\" font-family=\"sans-serif\" font-size=\"1.6\" text-anchor=\"middle\" "
                + "textLength=\"\(total - 2)\" lengthAdjust=\"spacingAndGlyphs\" fill=\"#000000\">\(Self.xmlEscaped(words))</text>\n"
        } ?? ""
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" width="\(total * scale)" height="\((total + band) * scale)" viewBox="0 0 \(total) \(total + band)" shape-rendering="crispEdges">
            <rect width="\(total)" height="\(total + band)" fill="#ffffff"/>
            <path fill="#000000" d="\(path)"/>
            \(text)</svg>

            """
    }

    static func xmlEscaped(_ text: String) -> String { DisplayText.markupEscaped(text) }
}

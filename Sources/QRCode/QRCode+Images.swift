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

    /// An SVG with one path of dark modules over a white square.
    public func svg(minimumPixels: Int = 256) -> String {
        let quiet = Self.quietZone
        let total = size + 2 * quiet
        let pixels = total * scale(minimumPixels: minimumPixels)
        var path = ""
        for y in 0..<size {
            for x in 0..<size where isDark(x: x, y: y) { path += "M\(x + quiet) \(y + quiet)h1v1h-1z" }
        }
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" width="\(pixels)" height="\(pixels)" viewBox="0 0 \(total) \(total)" shape-rendering="crispEdges">
            <rect width="\(total)" height="\(total)" fill="#ffffff"/>
            <path fill="#000000" d="\(path)"/>
            </svg>

            """
    }
}

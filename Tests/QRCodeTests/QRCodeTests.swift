// SPDX-License-Identifier: Apache-2.0
import Foundation
@testable import QRCode
import TestSupport
import Testing

/// The QR codes must scan back to the exact URL: decoded by zbarimg (zbar-tools).
@Suite("QR codes")
struct QRCodeTests {
    static let urls = [
        "https://app.frame.io/device?code=123456",
        "http://127.0.0.1:41234/device?code=004213",
        "https://accounts.example.com/activate?user_code=WDJB-MJHT&client=camera%20one",
    ]

    /// zbarimg's answer for an image file, without the "QR-Code:" prefix.
    func decode(_ path: String) async throws -> String? {
        let result = try await Subprocess.run("/usr/bin/zbarimg", ["--nodbus", "--quiet", "--raw", path])
        guard result.status == 0 else { return nil }
        return result.output.trimmingCharacters(in: .newlines)
    }

    func temporaryFile(_ name: String, _ bytes: [UInt8]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("\(UUID().uuidString)-\(name)").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("The PNG decodes to the exact URL, is at least 250 px, black on white", arguments: urls)
    func png(_ url: String) async throws {
        let code = try QRCode(url)
        let png = code.png(minimumPixels: 256)
        let path = try temporaryFile("qr.png", png)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try await decode(path) == url)
        // IHDR: width and height (big-endian) at bytes 16…23.
        let width = png[16..<20].reduce(0) { $0 << 8 | Int($1) }
        #expect(width >= 250)
        #expect(width == (code.size + 8) * code.scale(minimumPixels: 256))
    }

    @Test("The terminal rendering, rasterised, decodes to the exact URL", arguments: urls)
    func terminal(_ url: String) async throws {
        let code = try QRCode(url)
        for colors in [false, true] {
            let text = code.terminalText(colors: colors)
            let grid = Self.rasterise(text)
            #expect(grid.count == code.size + 8 || grid.count == code.size + 9)  // half blocks round up
            let path = try temporaryFile("terminal.png", Self.png(grid, scale: 8))
            defer { try? FileManager.default.removeItem(atPath: path) }
            #expect(try await decode(path) == url, "colors: \(colors)")
        }
    }

    @Test("The SVG has the quiet zone, a white background and only dark modules in its path")
    func svg() async throws {
        let code = try QRCode("https://app.frame.io/device?code=123456")
        let svg = code.svg(minimumPixels: 256)
        let total = code.size + 8
        #expect(svg.contains(#"viewBox="0 0 \#(total) \#(total)""#))
        #expect(svg.contains(##"<rect width="\##(total)" height="\##(total)" fill="#ffffff"/>"##))
        let modules = svg.components(separatedBy: "h1v1h-1z").count - 1
        #expect(modules == code.modules.filter { $0 }.count)
        #expect(!svg.contains("M0 0h1"))  // nothing drawn in the quiet zone's corner
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/rsvg-convert") {
            // Rendered by a real SVG renderer when one is installed.
            let svgPath = try temporaryFile("qr.svg", Array(svg.utf8))
            let pngPath = svgPath + ".png"
            defer { try? FileManager.default.removeItem(atPath: svgPath); try? FileManager.default.removeItem(atPath: pngPath) }
            _ = try await Subprocess.run("/usr/bin/rsvg-convert", ["-o", pngPath, svgPath])
            #expect(try await decode(pngPath) == "https://app.frame.io/device?code=123456")
        }
    }

    @Test("With a caption the SVG grows a band below the code with the escaped text; the code is the same")
    func svgCaption() throws {
        let code = try QRCode("https://app.frame.io/device?code=123456")
        let svg = code.svg(minimumPixels: 256, caption: "Scan <this> & pair")
        let total = code.size + 8
        #expect(svg.contains(#"viewBox="0 0 \#(total) \#(total + 4)""#))
        #expect(svg.contains(">Scan &lt;this&gt; &amp; pair</text>"))
        #expect(svg.components(separatedBy: "h1v1h-1z").count == code.svg().components(separatedBy: "h1v1h-1z").count)
    }

    @Test("Empty or absurdly long text is an error, not a crash")
    func badInput() {
        #expect(throws: QRCodeError.self) { try QRCode("") }
        #expect(throws: QRCodeError.self) { try QRCode(String(repeating: "x", count: 5000)) }
    }

    /// Terminal text back to modules: █ both halves dark, ▀ upper, ▄ lower, space neither.
    static func rasterise(_ text: String) -> [[Bool]] {
        let plain = text.replacingOccurrences(of: "\u{1B}[30;47m", with: "").replacingOccurrences(of: "\u{1B}[0m", with: "")
        var rows: [[Bool]] = []
        for line in plain.split(separator: "\n") {
            var upper: [Bool] = [], lower: [Bool] = []
            for character in line {
                upper.append(character == "█" || character == "▀")
                lower.append(character == "█" || character == "▄")
            }
            rows.append(upper)
            rows.append(lower)
        }
        return rows
    }

    /// An independent PNG of a module grid, written by this test (8-bit grayscale via PNGEncoder's chunks).
    static func png(_ grid: [[Bool]], scale: Int) -> [UInt8] {
        let height = grid.count * scale, width = (grid.first?.count ?? 0) * scale
        let rowBytes = (width + 7) / 8
        var raw: [UInt8] = []
        for y in 0..<height {
            raw.append(0)
            var row = [UInt8](repeating: 0, count: rowBytes)
            for x in 0..<width where !grid[y / scale][x / scale] { row[x / 8] |= 0x80 >> UInt8(x % 8) }
            raw += row
        }
        return PNGEncoder.grayscale1Bit(width: width, height: height, raw: raw)
    }
}

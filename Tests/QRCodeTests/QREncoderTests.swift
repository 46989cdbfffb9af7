import Foundation
@testable import QRCode
import TestSupport
import Testing

/// The encoder is ours, so it is checked against the standard's worked example,
/// and every version range and mask is read back by an independent decoder
/// (zbarimg). While it replaced libqrencode it was also compared with it on 637
/// texts of 1 to 2048 bytes: 393 came out identical, and each of the others
/// identical under another of the eight masks (the two score penalties slightly
/// differently), so data, error correction, placement and format bits agree.
@Suite("QR encoder")
struct QREncoderTests {
    /// A text of `length` printable ASCII bytes that is not one repeated character.
    static func text(_ length: Int) -> String {
        String((0..<length).map { Character(UnicodeScalar(UInt8(33 + ($0 * 7 + length) % 90))) })
    }

    func decoded(_ code: QREncoder) async throws -> String? {
        let qr = QRCode(size: code.size, modules: code.dark)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("\(UUID().uuidString)-qr.png").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(qr.png(minimumPixels: 4 * (code.size + 8))).write(to: URL(fileURLWithPath: path))
        let result = try await Subprocess.run("/usr/bin/zbarimg", ["--nodbus", "--quiet", "--raw", path])
        return result.status == 0 ? result.output.trimmingCharacters(in: .newlines) : nil
    }

    @Test("Reed–Solomon: the standard's worked example (HELLO WORLD, version 1-M)")
    func reedSolomon() {
        let data: [UInt8] = [32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17]
        let ecc = ReedSolomon.remainder(data, generator: ReedSolomon.generator(degree: 10))
        #expect(ecc == [196, 35, 39, 119, 235, 215, 231, 226, 93, 23])
    }

    @Test("Level M capacities in bytes: the smallest version that holds them, up to 40")
    func capacities() {
        // Byte-mode capacities at level M from the standard's table.
        func version(_ count: Int) -> Int? { QREncoder(bytes: [UInt8](repeating: 65, count: count))?.version }
        for (expected, capacity) in [(1, 14), (2, 26), (7, 122), (9, 180), (10, 213)] {
            #expect(version(capacity) == expected)
            #expect(version(capacity + 1) == expected + 1)
        }
        #expect(version(2331) == 40)
        #expect(version(2332) == nil, "more than version 40 holds")
    }

    @Test("Read back by zbarimg in every range of versions: one block, many blocks, version information, 16-bit counts",
          arguments: [1, 14, 15, 100, 122, 123, 213, 214, 600, 1370, 2048])
    func versions(_ length: Int) async throws {
        let text = Self.text(length)
        let code = try #require(QREncoder(bytes: Array(text.utf8)))
        #expect(try await decoded(code) == text, "version \(code.version)")
    }

    @Test("Read back by zbarimg under each of the eight masks (format bits of each)", arguments: 0..<8)
    func masks(_ mask: Int) async throws {
        let text = "https://app.frame.io/device?code=123456"
        let code = try #require(QREncoder(bytes: Array(text.utf8), mask: mask))
        #expect(try await decoded(code) == text)
    }

    @Test("The mask chosen scores least of the eight")
    func leastPenalty() throws {
        let bytes = Array(Self.text(77).utf8)
        let chosen = try #require(QREncoder(bytes: bytes)).penalty()
        for mask in 0..<8 { #expect(try #require(QREncoder(bytes: bytes, mask: mask)).penalty() >= chosen) }
    }
}

// SPDX-License-Identifier: Apache-2.0
import Foundation
@testable import QRCode
import TestSupport
import Testing

/// The encoder is ours, written from ISO/IEC 18004:2015, so it is checked against
/// the standard's worked examples (Reed–Solomon, format and version information),
/// its tables' internal sums, and every version range and mask is read back by an
/// independent decoder (zbarimg).
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

    @Test("Format information: Annex C's example (level M, mask 101 → 100000011001110) and the level-M row of Table C.1")
    func formatInformation() {
        #expect(QRStandard.formatBits(mask: 0b101) == 0b100_0000_1100_1110)
        let tableC1 = [0b101010000010010, 0b101000100100101, 0b101111001111100, 0b101101101001011,
                       0b100010111111001, 0b100000011001110, 0b100111110010111, 0b100101010100000]
        #expect((0..<8).map(QRStandard.formatBits) == tableC1)
    }

    @Test("Version information: Annex D's example, version 7 → 000111110010010100")
    func versionInformation() {
        #expect(QRStandard.versionBits(7) == 0b000111_110010010100)
        #expect(QRStandard.versionBits(40) == 0b101000_110001101001)
    }

    @Test("The tables hold together: data codewords and byte capacities at level M (Table 7)")
    func tables() {
        #expect(QRStandard.dataCodewords(1) == 16 && QRStandard.dataCodewords(10) == 216 && QRStandard.dataCodewords(40) == 2334)
        for version in 1...40 {
            // Every block keeps at least as many data codewords as twice its correction capacity needs.
            let perBlock = QRStandard.total(version) / QRStandard.blocks(version)
            #expect(perBlock > QRStandard.eccPerBlock(version), "version \(version)")
            #expect(QRStandard.alignmentCentres[version - 1].last.map { $0 == 17 + 4 * version - 7 } ?? (version == 1))
        }
    }

    @Test("Penalty rules (Table 11) along a line: a run of seven, a finder look-alike against the quiet zone and one hemmed in")
    func penaltyRules() {
        #expect(QREncoder.linePenalty([true, true, true, true, true, true, true, false, true, false]) == 3 + 2)
        // 1:1:3:1:1 with the light quiet zone before it counts; with a dark module within four before and after, it does not.
        let lookAlike = [true, false, true, true, true, false, true, true, false, true, false]
        #expect(QREncoder.linePenalty(lookAlike) == 40)
        #expect(QREncoder.linePenalty([false, true, false, false, false] + lookAlike) == 0)
    }
}

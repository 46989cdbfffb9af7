// SPDX-License-Identifier: Apache-2.0
/// QR Code Model 2 encoding (ISO/IEC 18004:2015) of bytes in byte mode at error
/// correction level M, the smallest version (1–40) that holds them, with the
/// mask of least penalty. In Swift rather than libqrencode so that the CLI can
/// be one static executable: a camera's `deviceauthctl token` then starts with
/// no dynamic loader at all. Written from the standard: its tables are in
/// `QRStandard`, the section each step follows is named where it is done.
package struct QREncoder {
    let version: Int
    let size: Int
    /// The modules, row by row: true is dark.
    private(set) var dark: [Bool]
    /// Function patterns and the format and version areas: never data, never masked.
    private var reserved: [Bool]

    /// Nil when the bytes do not fit in version 40. `mask` forces one (tests).
    init?(bytes: [UInt8], mask forced: Int? = nil) {
        guard let version = (1...40).first(where: { Self.dataBits(bytes.count, version: $0) <= Self.dataCodewords($0) * 8 }) else {
            return nil
        }
        self.version = version
        size = 17 + 4 * version  // §5.3.1
        dark = Array(repeating: false, count: size * size)
        reserved = dark
        placeFunctionPatterns()
        placeCodewords(Self.finalSequence(Self.dataCodewords(bytes, version: version), version: version))
        // §7.8.3: each mask is tried and the one whose result scores least is kept.
        let mask = forced ?? (0..<8).min { score(with: $0) < score(with: $1) } ?? 0
        apply(mask: mask)
        placeFormat(mask: mask)
    }

    package static func dataCodewords(_ version: Int) -> Int { QRStandard.dataCodewords(version) }

    /// Bits of the data segment in byte mode (§7.4.5): the mode indicator 0100, the
    /// character count (8 bits up to version 9, 16 after: Table 3), the bytes.
    package static func dataBits(_ count: Int, version: Int) -> Int {
        let countBits = version <= 9 ? 8 : 16
        return count < 1 << countBits ? 4 + countBits + 8 * count : Int.max
    }

    // MARK: - Data and error correction (§7.4, §7.5, §7.6)

    /// The data codewords: the segment, the terminator 0000 (shortened when capacity
    /// runs out), zero bits to a byte boundary, then 11101100 and 00010001 in turn (§7.4.10).
    static func dataCodewords(_ bytes: [UInt8], version: Int) -> [UInt8] {
        var bits = BitBuffer()
        bits.append(0b0100, count: 4)
        bits.append(bytes.count, count: version <= 9 ? 8 : 16)
        for byte in bytes { bits.append(Int(byte), count: 8) }
        let capacity = dataCodewords(version) * 8
        bits.append(0, count: min(4, capacity - bits.count))
        if bits.count % 8 != 0 { bits.append(0, count: 8 - bits.count % 8) }
        var codewords = bits.bytes
        let pads: [UInt8] = [0b1110_1100, 0b0001_0001]
        while codewords.count < dataCodewords(version) { codewords.append(pads[(codewords.count - bits.bytes.count) % 2]) }
        return codewords
    }

    /// The blocks of the version, each with its error correction codewords, interleaved
    /// as §7.6 says: the first data codeword of every block, then the second…, then the
    /// error correction codewords the same way. Blocks with one data codeword more come last.
    static func finalSequence(_ data: [UInt8], version: Int) -> [UInt8] {
        let blockCount = QRStandard.blocks(version), eccCount = QRStandard.eccPerBlock(version)
        let shortData = data.count / blockCount
        let longBlocks = data.count % blockCount
        let generator = ReedSolomon.generator(degree: eccCount)
        var dataBlocks: [[UInt8]] = []
        var start = 0
        for index in 0..<blockCount {
            let length = shortData + (index >= blockCount - longBlocks ? 1 : 0)
            dataBlocks.append(Array(data[start..<start + length]))
            start += length
        }
        let eccBlocks = dataBlocks.map { ReedSolomon.remainder($0, generator: generator) }
        var sequence: [UInt8] = []
        sequence.reserveCapacity(QRStandard.total(version))
        for column in 0..<(shortData + (longBlocks > 0 ? 1 : 0)) {
            for block in dataBlocks where column < block.count { sequence.append(block[column]) }
        }
        for column in 0..<eccCount {
            for block in eccBlocks { sequence.append(block[column]) }
        }
        return sequence
    }

    // MARK: - The symbol (§6.3, §7.7)

    private mutating func put(row: Int, column: Int, _ isDark: Bool) {
        dark[row * size + column] = isDark
        reserved[row * size + column] = true
    }

    private mutating func placeFunctionPatterns() {
        // Finder patterns with their light separators in three corners (§6.3.3, §6.3.4).
        for (row, column) in [(0, 0), (0, size - 7), (size - 7, 0)] {
            for dy in -1...7 {
                for dx in -1...7 {
                    let r = row + dy, c = column + dx
                    guard (0..<size).contains(r), (0..<size).contains(c) else { continue }
                    let ring = max(abs(dy - 3), abs(dx - 3))  // 0 at the centre, 4 on the separator
                    put(row: r, column: c, ring != 2 && ring != 4)
                }
            }
        }
        // Timing patterns on row 6 and column 6, dark on even positions (§6.3.5).
        for index in 8..<(size - 8) {
            put(row: 6, column: index, index % 2 == 0)
            put(row: index, column: 6, index % 2 == 0)
        }
        // Alignment patterns at every pair of Table E.1's centres, but where a finder is (§6.3.6).
        let centres = QRStandard.alignmentCentres[version - 1]
        for row in centres {
            for column in centres where !(row == 6 && column == 6) && !(row == 6 && column == size - 7) && !(row == size - 7 && column == 6) {
                for dy in -2...2 {
                    for dx in -2...2 { put(row: row + dy, column: column + dx, max(abs(dy), abs(dx)) != 1) }
                }
            }
        }
        placeFormat(mask: 0)  // reserves its modules; written for real once the mask is known
        put(row: size - 8, column: 8, true)  // the dark module beside the lower-left format area
        if version >= 7 { placeVersion() }
    }

    /// Both copies of the 15 format bits (§7.9.1, Figure 25); bit 0 is the least significant.
    private mutating func placeFormat(mask: Int) {
        let bits = QRStandard.formatBits(mask: mask)
        for bit in 0..<15 {
            let isDark = (bits >> bit) & 1 == 1
            // Around the upper-left finder: up column 8 (skipping the timing row), then left along row 8.
            switch bit {
            case 0...5: put(row: bit, column: 8, isDark)
            case 6: put(row: 7, column: 8, isDark)
            case 7: put(row: 8, column: 8, isDark)
            case 8: put(row: 8, column: 7, isDark)
            default: put(row: 8, column: 14 - bit, isDark)
            }
            // The second copy: bits 0–7 along row 8 from the right edge, 8–14 down column 8 at the bottom.
            if bit < 8 { put(row: 8, column: size - 1 - bit, isDark) } else { put(row: size - 15 + bit, column: 8, isDark) }
        }
    }

    /// The 18 version bits in two 6×3 blocks (§7.10, Figure 27): above the lower-left finder
    /// and, transposed, left of the upper-right one.
    private mutating func placeVersion() {
        let bits = QRStandard.versionBits(version)
        for bit in 0..<18 {
            let isDark = (bits >> bit) & 1 == 1
            put(row: size - 11 + bit % 3, column: bit / 3, isDark)
            put(row: bit / 3, column: size - 11 + bit % 3, isDark)
        }
    }

    /// The codewords' bits, most significant first, in two-module columns from the
    /// lower right, up then down in turn, right module before left, around the
    /// function patterns; column 6 (timing) is passed over (§7.7.3). Modules left
    /// over stay light: the remainder bits.
    private mutating func placeCodewords(_ codewords: [UInt8]) {
        let bitCount = codewords.count * 8
        var next = 0
        var right = size - 1
        var upward = true
        while right > 0 {
            if right == 6 { right = 5 }
            for step in 0..<size {
                let row = upward ? size - 1 - step : step
                for column in [right, right - 1] where !reserved[row * size + column] && next < bitCount {
                    dark[row * size + column] = codewords[next / 8] & (0x80 >> (next % 8)) != 0
                    next += 1
                }
            }
            upward.toggle()
            right -= 2
        }
    }

    /// XORs the mask over the data modules: applying it twice undoes it.
    private mutating func apply(mask: Int) {
        for row in 0..<size {
            for column in 0..<size where !reserved[row * size + column] && QRStandard.masks(mask, row: row, column: column) {
                dark[row * size + column].toggle()
            }
        }
    }

    /// The penalty of the symbol under `mask`, with its format bits; the symbol is left as it was.
    private mutating func score(with mask: Int) -> Int {
        apply(mask: mask)
        placeFormat(mask: mask)
        defer { apply(mask: mask) }
        return penalty()
    }
}

/// Bits appended most significant first.
struct BitBuffer {
    private(set) var bytes: [UInt8] = []
    private(set) var count = 0

    mutating func append(_ value: Int, count bits: Int) {
        for shift in stride(from: bits - 1, through: 0, by: -1) {
            if count % 8 == 0 { bytes.append(0) }
            if (value >> shift) & 1 == 1 { bytes[count / 8] |= 0x80 >> (count % 8) }
            count += 1
        }
    }
}

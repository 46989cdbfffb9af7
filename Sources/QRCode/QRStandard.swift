// SPDX-License-Identifier: Apache-2.0
/// Facts of QR Code Model 2 (ISO/IEC 18004:2015), as its tables give them, for error
/// correction level M. Tables rather than closed forms: each row can be checked
/// against the standard by eye.
enum QRStandard {
    /// Total codewords (data and error correction) of each version, 1–40 (Table 1).
    static let totalCodewords = [
        26, 44, 70, 100, 134, 172, 196, 242, 292, 346,
        404, 466, 532, 581, 655, 733, 815, 901, 991, 1085,
        1156, 1258, 1364, 1474, 1588, 1706, 1828, 1921, 2051, 2185,
        2323, 2465, 2611, 2761, 2876, 3034, 3196, 3362, 3532, 3706,
    ]

    /// Error correction blocks at level M, and the error correction codewords in each (Table 9).
    static let blocksM = [
        1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16,
        17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49,
    ]
    static let eccPerBlockM = [
        10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26,
        26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28,
    ]

    /// Row and column coordinates of the alignment patterns' centres (Annex E, Table E.1);
    /// version 1 has none.
    static let alignmentCentres: [[Int]] = [
        [], [6, 18], [6, 22], [6, 26], [6, 30], [6, 34],
        [6, 22, 38], [6, 24, 42], [6, 26, 46], [6, 28, 50], [6, 30, 54], [6, 32, 58], [6, 34, 62],
        [6, 26, 46, 66], [6, 26, 48, 70], [6, 26, 50, 74], [6, 30, 54, 78], [6, 30, 56, 82], [6, 30, 58, 86], [6, 34, 62, 90],
        [6, 28, 50, 72, 94], [6, 26, 50, 74, 98], [6, 30, 54, 78, 102], [6, 28, 54, 80, 106], [6, 32, 58, 84, 110],
        [6, 30, 58, 86, 114], [6, 34, 62, 90, 118],
        [6, 26, 50, 74, 98, 122], [6, 30, 54, 78, 102, 126], [6, 26, 52, 78, 104, 130], [6, 30, 56, 82, 108, 134],
        [6, 34, 60, 86, 112, 138], [6, 30, 58, 86, 114, 142], [6, 34, 62, 90, 118, 146],
        [6, 30, 54, 78, 102, 126, 150], [6, 24, 50, 76, 102, 128, 154], [6, 28, 54, 80, 106, 132, 158],
        [6, 32, 58, 84, 110, 136, 162], [6, 26, 54, 82, 110, 138, 166], [6, 30, 58, 86, 114, 142, 170],
    ]

    static func total(_ version: Int) -> Int { totalCodewords[version - 1] }
    static func blocks(_ version: Int) -> Int { blocksM[version - 1] }
    static func eccPerBlock(_ version: Int) -> Int { eccPerBlockM[version - 1] }
    static func dataCodewords(_ version: Int) -> Int { total(version) - blocks(version) * eccPerBlock(version) }

    /// Level M's indicator in the format information (Table 12).
    static let levelM = 0b00

    /// The format information of level M with `mask` (§7.9.1, Annex C): five data bits,
    /// ten bits of the BCH(15,5) code of generator x^10+x^8+x^5+x^4+x^2+x+1, the whole
    /// XORed with 101010000010010 so that it is never all light.
    static func formatBits(mask: Int) -> Int {
        let data = levelM << 3 | mask
        return (data << 10 | bchRemainder(data << 10, generator: 0b101_0011_0111)) ^ 0b101_0100_0001_0010
    }

    /// The version information of versions 7–40 (§7.10, Annex D): six bits of the version
    /// and twelve of the BCH(18,6) code of generator x^12+x^11+x^10+x^9+x^8+x^5+x^2+1.
    static func versionBits(_ version: Int) -> Int {
        version << 12 | bchRemainder(version << 12, generator: 0b1_1111_0010_0101)
    }

    /// The remainder of the binary polynomial `dividend` divided by `generator`: long
    /// division, subtracting (XOR) the generator under each leading one in turn.
    static func bchRemainder(_ dividend: Int, generator: Int) -> Int {
        let degree = Int.bitWidth - generator.leadingZeroBitCount - 1
        var remainder = dividend
        while remainder != 0, Int.bitWidth - remainder.leadingZeroBitCount - 1 >= degree {
            let lead = Int.bitWidth - remainder.leadingZeroBitCount - 1
            remainder ^= generator << (lead - degree)
        }
        return remainder
    }

    /// The eight data masks (§7.8.2, Table 10), for the module in row `i`, column `j`:
    /// true where the module is inverted.
    static func masks(_ mask: Int, row i: Int, column j: Int) -> Bool {
        switch mask {
        case 0: (i + j) % 2 == 0
        case 1: i % 2 == 0
        case 2: j % 3 == 0
        case 3: (i + j) % 3 == 0
        case 4: (i / 2 + j / 3) % 2 == 0
        case 5: (i * j) % 2 + (i * j) % 3 == 0
        case 6: ((i * j) % 2 + (i * j) % 3) % 2 == 0
        default: ((i + j) % 2 + (i * j) % 3) % 2 == 0
        }
    }
}

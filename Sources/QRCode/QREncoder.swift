/// QR Code Model 2 encoding (ISO/IEC 18004) of bytes in byte mode at error
/// correction level M, the smallest version (1–40) that holds them, with the
/// mask of least penalty. In Swift rather than libqrencode so that the CLI can
/// be one static executable: a camera's `deviceauthctl token` then starts with
/// no dynamic loader at all.
package struct QREncoder {
    /// Data codewords' Reed–Solomon codewords per block at level M, by version (index 0 unused).
    static let eccPerBlock = [-1, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26,
                              26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28]
    /// Blocks at level M, by version (index 0 unused).
    static let blocks = [-1, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16,
                         17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49]
    /// Level M's two bits in the format information.
    static let levelBits = 0

    let version: Int
    let size: Int
    private(set) var dark: [Bool]
    /// Finder, timing, alignment, format and version modules: never data, never masked.
    private var reserved: [Bool]

    /// Nil when the bytes do not fit in version 40. `mask` forces one (tests).
    init?(bytes: [UInt8], mask forced: Int? = nil) {
        guard let version = (1...40).first(where: { Self.dataBits(bytes.count, version: $0) <= Self.dataCodewords($0) * 8 }) else {
            return nil
        }
        self.version = version
        size = version * 4 + 17
        dark = Array(repeating: false, count: size * size)
        reserved = dark
        drawFunctionPatterns()
        let codewords = Self.interleavedWithECC(Self.encodedData(bytes, version: version), version: version)
        drawCodewords(codewords)
        // The mask whose result scores least, as the standard chooses it.
        var best = forced ?? 0, bestPenalty = Int.max
        for mask in 0..<8 where forced == nil {
            applyMask(mask)
            drawFormatBits(mask: mask)
            let score = penalty()
            if score < bestPenalty { (best, bestPenalty) = (mask, score) }
            applyMask(mask)  // XOR again: undone
        }
        applyMask(best)
        drawFormatBits(mask: best)
    }

    // MARK: - Capacity

    /// Modules left for data and error correction once the function patterns are drawn.
    static func rawDataModules(_ version: Int) -> Int {
        var result = (16 * version + 128) * version + 64
        if version >= 2 {
            let alignments = version / 7 + 2
            result -= (25 * alignments - 10) * alignments - 55
            if version >= 7 { result -= 36 }
        }
        return result
    }

    package static func dataCodewords(_ version: Int) -> Int {
        rawDataModules(version) / 8 - eccPerBlock[version] * blocks[version]
    }

    /// Mode indicator, character count and the bytes.
    package static func dataBits(_ count: Int, version: Int) -> Int {
        let countBits = version <= 9 ? 8 : 16
        return count < 1 << countBits ? 4 + countBits + 8 * count : Int.max
    }

    // MARK: - Codewords

    /// Mode, count and bytes, terminated and padded to the version's data capacity.
    static func encodedData(_ bytes: [UInt8], version: Int) -> [UInt8] {
        var bits = BitBuffer()
        bits.append(0b0100, count: 4)  // byte mode
        bits.append(bytes.count, count: version <= 9 ? 8 : 16)
        for byte in bytes { bits.append(Int(byte), count: 8) }
        let capacity = dataCodewords(version) * 8
        bits.append(0, count: min(4, capacity - bits.count))  // terminator
        bits.append(0, count: (8 - bits.count % 8) % 8)
        var padding: UInt8 = 0xEC
        while bits.count < capacity {
            bits.append(Int(padding), count: 8)
            padding ^= 0xEC ^ 0x11
        }
        return bits.bytes
    }

    /// Split into blocks, each followed by its Reed–Solomon codewords, then interleaved.
    static func interleavedWithECC(_ data: [UInt8], version: Int) -> [UInt8] {
        let blockCount = blocks[version], eccLength = eccPerBlock[version]
        let raw = rawDataModules(version) / 8
        let shortBlocks = blockCount - raw % blockCount
        let shortLength = raw / blockCount
        let generator = ReedSolomon.generator(degree: eccLength)
        var split: [[UInt8]] = []
        var offset = 0
        for index in 0..<blockCount {
            let isShort = index < shortBlocks
            var block = Array(data[offset..<offset + shortLength - eccLength + (isShort ? 0 : 1)])
            offset += block.count
            let ecc = ReedSolomon.remainder(block, generator: generator)
            if isShort { block.append(0) }  // a place holder, so that every block lines up
            split.append(block + ecc)
        }
        var result: [UInt8] = []
        result.reserveCapacity(raw)
        for column in 0...shortLength {
            for (index, block) in split.enumerated() where column != shortLength - eccLength || index >= shortBlocks {
                result.append(block[column])
            }
        }
        return result
    }

    // MARK: - Drawing

    private mutating func set(_ x: Int, _ y: Int, _ isDark: Bool, reserve: Bool = true) {
        dark[y * size + x] = isDark
        if reserve { reserved[y * size + x] = true }
    }

    private mutating func drawFunctionPatterns() {
        for index in 0..<size {
            set(6, index, index % 2 == 0)
            set(index, 6, index % 2 == 0)
        }
        drawFinder(3, 3)
        drawFinder(size - 4, 3)
        drawFinder(3, size - 4)
        let centres = alignmentCentres()
        let last = centres.count - 1
        for (i, x) in centres.enumerated() {
            for (j, y) in centres.enumerated() where !(i == 0 && j == 0) && !(i == 0 && j == last) && !(i == last && j == 0) {
                for dy in -2...2 {
                    for dx in -2...2 { set(x + dx, y + dy, max(abs(dx), abs(dy)) != 1) }
                }
            }
        }
        drawFormatBits(mask: 0)  // reserves the format areas; drawn for real once the mask is chosen
        drawVersionBits()
    }

    /// A finder pattern with its light separator, clipped at the edges.
    private mutating func drawFinder(_ cx: Int, _ cy: Int) {
        for dy in -4...4 {
            for dx in -4...4 {
                let x = cx + dx, y = cy + dy
                guard x >= 0, y >= 0, x < size, y < size else { continue }
                let distance = max(abs(dx), abs(dy))
                set(x, y, distance != 2 && distance != 4)
            }
        }
    }

    /// The centres of the alignment patterns along each axis.
    private func alignmentCentres() -> [Int] {
        guard version > 1 else { return [] }
        let count = version / 7 + 2
        let step = version == 32 ? 26 : (version * 4 + count * 2 + 1) / (count * 2 - 2) * 2
        var centres = [6]
        var position = size - 7
        for _ in 0..<(count - 1) {
            centres.insert(position, at: 1)
            position -= step
        }
        return centres
    }

    private mutating func drawFormatBits(mask: Int) {
        let data = Self.levelBits << 3 | mask
        var remainder = data
        for _ in 0..<10 { remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537) }
        let bits = (data << 10 | remainder) ^ 0x5412
        func bit(_ index: Int) -> Bool { (bits >> index) & 1 == 1 }
        for index in 0...5 { set(8, index, bit(index)) }
        set(8, 7, bit(6))
        set(8, 8, bit(7))
        set(7, 8, bit(8))
        for index in 9..<15 { set(14 - index, 8, bit(index)) }
        for index in 0..<8 { set(size - 1 - index, 8, bit(index)) }
        for index in 8..<15 { set(8, size - 15 + index, bit(index)) }
        set(8, size - 8, true)  // the dark module
    }

    private mutating func drawVersionBits() {
        guard version >= 7 else { return }
        var remainder = version
        for _ in 0..<12 { remainder = (remainder << 1) ^ ((remainder >> 11) * 0x1F25) }
        let bits = version << 12 | remainder
        for index in 0..<18 {
            let isDark = (bits >> index) & 1 == 1
            let a = size - 11 + index % 3, b = index / 3
            set(a, b, isDark)
            set(b, a, isDark)
        }
    }

    /// The codewords' bits in the standard's zigzag of two-module columns, right to left.
    private mutating func drawCodewords(_ codewords: [UInt8]) {
        var index = 0
        var right = size - 1
        while right >= 1 {
            if right == 6 { right = 5 }  // the vertical timing pattern
            let upward = (right + 1) & 2 == 0
            for vertical in 0..<size {
                let y = upward ? size - 1 - vertical : vertical
                for x in stride(from: right, through: right - 1, by: -1) where !reserved[y * size + x] && index < codewords.count * 8 {
                    dark[y * size + x] = (codewords[index >> 3] >> (7 - index & 7)) & 1 == 1
                    index += 1
                }
            }
            right -= 2
        }
    }

    private mutating func applyMask(_ mask: Int) {
        for y in 0..<size {
            for x in 0..<size where !reserved[y * size + x] {
                let flip = switch mask {
                case 0: (x + y) % 2 == 0
                case 1: y % 2 == 0
                case 2: x % 3 == 0
                case 3: (x + y) % 3 == 0
                case 4: (x / 3 + y / 2) % 2 == 0
                case 5: x * y % 2 + x * y % 3 == 0
                case 6: (x * y % 2 + x * y % 3) % 2 == 0
                default: ((x + y) % 2 + x * y % 3) % 2 == 0
                }
                if flip { dark[y * size + x].toggle() }
            }
        }
    }

    // MARK: - Penalty

    /// The standard's four penalty rules: runs, 2×2 blocks, finder look-alikes, balance.
    func penalty() -> Int {
        var score = 0
        for line in 0..<size {
            score += linePenalty(start: line * size, step: 1) + linePenalty(start: line, step: size)
        }
        for y in 0..<(size - 1) {
            for x in 0..<(size - 1) {
                let colour = dark[y * size + x]
                if colour == dark[y * size + x + 1] && colour == dark[(y + 1) * size + x] && colour == dark[(y + 1) * size + x + 1] {
                    score += 3
                }
            }
        }
        let total = size * size
        let darkCount = dark.count { $0 }
        // 10 points for each full 5 % step away from half dark.
        score += (abs(darkCount * 20 - total * 10) + total - 1) / total * 10 - 10
        return score
    }

    /// One row or column (`step` 1 or `size`): runs of five or more alike, and each
    /// 1:1:3:1:1 finder look-alike with four light modules before or after it,
    /// found in a window of the last eleven modules (no allocation: eight masks
    /// are scored for every code).
    private func linePenalty(start: Int, step: Int) -> Int {
        var score = 0
        var run = 0
        var previous = false
        var window: UInt16 = 0
        for index in 0..<size {
            let isDark = dark[start + index * step]
            if index > 0 && isDark == previous {
                run += 1
            } else {
                if run >= 5 { score += 3 + run - 5 }
                run = 1
                previous = isDark
            }
            window = (window << 1 | (isDark ? 1 : 0)) & 0x7FF
            if index >= 10 && (window == 0b000_0101_1101 || window == 0b101_1101_0000) { score += 40 }
        }
        if run >= 5 { score += 3 + run - 5 }
        return score
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

/// Reed–Solomon error correction over GF(2^8) with the QR polynomial 0x11D.
enum ReedSolomon {
    static func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        var product = 0
        for bit in stride(from: 7, through: 0, by: -1) {
            product = (product << 1) ^ ((product >> 7) * 0x11D)
            if (b >> bit) & 1 == 1 { product ^= Int(a) }
        }
        return UInt8(product)
    }

    /// The generator polynomial's coefficients (highest first, the leading 1 left out)
    /// for roots α^0 … α^(degree-1).
    static func generator(degree: Int) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: degree)
        result[degree - 1] = 1
        var root: UInt8 = 1
        for _ in 0..<degree {
            for index in 0..<degree {
                result[index] = multiply(result[index], root)
                if index + 1 < degree { result[index] ^= result[index + 1] }
            }
            root = multiply(root, 0x02)
        }
        return result
    }

    static func remainder(_ data: [UInt8], generator: [UInt8]) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: generator.count)
        for byte in data {
            let factor = byte ^ result.removeFirst()
            result.append(0)
            for index in 0..<result.count { result[index] ^= multiply(generator[index], factor) }
        }
        return result
    }
}

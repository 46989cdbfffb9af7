// SPDX-License-Identifier: Apache-2.0
/// Reed–Solomon error correction codewords as ISO/IEC 18004 §7.5.2 and Annex A
/// define them: arithmetic in GF(2^8) modulo x^8+x^4+x^3+x^2+1 (0x11D), a generator
/// polynomial with the roots α^0 … α^(n−1), and the codewords as the remainder of
/// the data (times x^n) divided by it.
enum ReedSolomon {
    /// α^k for k in 0..<255, and the logarithm of each non-zero element.
    static let (exponents, logarithms): ([UInt8], [Int]) = {
        var exponents = [UInt8](repeating: 0, count: 255)
        var logarithms = [Int](repeating: 0, count: 256)
        var element = 1
        for power in 0..<255 {
            exponents[power] = UInt8(element)
            logarithms[element] = power
            element <<= 1
            if element > 0xFF { element ^= 0x11D }
        }
        return (exponents, logarithms)
    }()

    static func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        guard a != 0, b != 0 else { return 0 }
        return exponents[(logarithms[Int(a)] + logarithms[Int(b)]) % 255]
    }

    /// The generator polynomial (x−α^0)(x−α^1)…(x−α^(degree−1)), its coefficients
    /// highest power first, the leading 1 included.
    static func generator(degree: Int) -> [UInt8] {
        var polynomial: [UInt8] = [1]
        for root in 0..<degree {
            // Times (x + α^root): in GF(2^8) minus is plus.
            var product = polynomial + [0]
            for (index, coefficient) in polynomial.enumerated() {
                product[index + 1] ^= multiply(coefficient, exponents[root])
            }
            polynomial = product
        }
        return polynomial
    }

    /// The error correction codewords of `data`: the remainder of data·x^n divided by `generator`.
    static func remainder(_ data: [UInt8], generator: [UInt8]) -> [UInt8] {
        let degree = generator.count - 1
        var dividend = data + [UInt8](repeating: 0, count: degree)
        for position in 0..<data.count {
            let lead = dividend[position]
            guard lead != 0 else { continue }
            for (offset, coefficient) in generator.enumerated() {
                dividend[position + offset] ^= multiply(coefficient, lead)
            }
        }
        return Array(dividend[data.count...])
    }
}

// SPDX-License-Identifier: Apache-2.0
/// The mask evaluation of ISO/IEC 18004:2015 §7.8.3 (Table 11): the lower the
/// score, the easier the symbol is to read.
extension QREncoder {
    static let sameColourRun = 3      // N1, plus one for each module beyond five
    static let sameColourBlock = 3    // N2, for each 2×2 of one colour
    static let finderLookAlike = 40   // N3
    static let imbalance = 10         // N4, for each 5 % step away from half dark

    func penalty() -> Int {
        var score = 0
        for index in 0..<size {
            let row = (0..<size).map { dark[index * size + $0] }
            let column = (0..<size).map { dark[$0 * size + index] }
            score += Self.linePenalty(row) + Self.linePenalty(column)
        }
        for row in 0..<(size - 1) {
            for column in 0..<(size - 1) {
                let colour = dark[row * size + column]
                if dark[row * size + column + 1] == colour, dark[(row + 1) * size + column] == colour,
                   dark[(row + 1) * size + column + 1] == colour {
                    score += Self.sameColourBlock
                }
            }
        }
        let darkCount = dark.count { $0 }
        // k = |dark% − 50| / 5, rounded down, in integers: |100·dark − 50·total| / (5·total).
        score += abs(100 * darkCount - 50 * dark.count) / (5 * dark.count) * Self.imbalance
        return score
    }

    /// Runs of five or more modules of one colour, and each dark-light-dark-dark-dark-
    /// light-dark (1:1:3:1:1) with four light modules before or after it. Outside the
    /// symbol is the light quiet zone.
    static func linePenalty(_ line: [Bool]) -> Int {
        var score = 0
        var start = 0
        while start < line.count {
            var end = start
            while end < line.count && line[end] == line[start] { end += 1 }
            if end - start >= 5 { score += sameColourRun + (end - start - 5) }
            start = end
        }
        let finder = [true, false, true, true, true, false, true]
        func isLight(_ index: Int) -> Bool { index < 0 || index >= line.count || !line[index] }
        for start in 0...(line.count - finder.count) where line[start..<start + finder.count].elementsEqual(finder) {
            let lightBefore = (start - 4..<start).allSatisfy(isLight)
            let lightAfter = (start + finder.count..<start + finder.count + 4).allSatisfy(isLight)
            if lightBefore || lightAfter { score += finderLookAlike }
        }
        return score
    }
}

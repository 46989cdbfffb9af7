// SPDX-License-Identifier: Apache-2.0
import Foundation
@testable import JSONCoding
import Testing

/// Every `Codable` primitive, each width of integer and both floating-point types,
/// optionals within optionals and arrays of them, checked against Foundation's
/// coders on generated values: what one writes, the other reads the same.
@Suite("JSON: every primitive, against Foundation")
struct JSONWidthsTests {
    struct Widths: Codable, Equatable {
        var i8: Int8, i16: Int16, i32: Int32, i64: Int64, int: Int
        var u8: UInt8, u16: UInt16, u32: UInt32, u64: UInt64, uint: UInt
        var float: Float, double: Double
        var maybe: Int16?, maybeMaybe: Int8??
        var list: [UInt16?], text: String, flag: Bool
    }

    /// A reproducible generator (xorshift64*), so a failure names its seed.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state ^= state >> 12; state ^= state << 25; state ^= state >> 27
            return state &* 2_685_821_657_736_338_717
        }
    }

    /// Extremes first (where widths break), then random values.
    static func value<I: FixedWidthInteger>(_ type: I.Type, _ round: Int, _ random: inout Generator) -> I {
        switch round {
        case 0: I.min
        case 1: I.max
        case 2: 0
        default: I.random(in: I.min...I.max, using: &random)
        }
    }

    static func sample(_ round: Int, _ random: inout Generator) -> Widths {
        let maybeMaybe: Int8?? = switch round % 3 { case 0: .none; case 1: .some(.none); default: .some(value(Int8.self, round, &random)) }
        return Widths(
            i8: value(Int8.self, round, &random), i16: value(Int16.self, round, &random), i32: value(Int32.self, round, &random),
            i64: value(Int64.self, round, &random), int: value(Int.self, round, &random),
            u8: value(UInt8.self, round, &random), u16: value(UInt16.self, round, &random), u32: value(UInt32.self, round, &random),
            u64: value(UInt64.self, round, &random), uint: value(UInt.self, round, &random),
            float: round == 0 ? .greatestFiniteMagnitude : round == 1 ? 0.1 : Float.random(in: -1e6...1e6, using: &random),
            double: round == 0 ? -.greatestFiniteMagnitude : round == 1 ? 1e-300 : Double.random(in: -1e12...1e12, using: &random),
            maybe: round % 2 == 0 ? nil : value(Int16.self, round, &random), maybeMaybe: maybeMaybe,
            list: (0..<(round % 4)).map { $0 % 2 == 0 ? nil : value(UInt16.self, round, &random) },
            text: "r\(round) é\u{1F600}\"\\\n", flag: round % 2 == 0)
    }

    @Test("Generated values: ours encoded, Foundation decodes the same; Foundation encoded, we decode the same", arguments: [1, 2, 3])
    func roundTrips(seed: UInt64) throws {
        var random = Generator(state: seed &* 0x9E37_79B9_7F4A_7C15 | 1)
        for round in 0..<60 {  // the extremes, then random values; bounded (a cooperative thread is shared)
            let value = Self.sample(round, &random)
            let ours = try JSON.encode(value)
            let readByFoundation = try JSONDecoder().decode(Widths.self, from: Data(ours))
            let theirs = try JSONEncoder().encode(value)
            let readByUs = try JSON.decode(Widths.self, from: Array(theirs))
            // Foundation itself reads .some(nil) back as nil: both must agree with it, not with the input.
            let expected = try JSONDecoder().decode(Widths.self, from: theirs)
            #expect(readByFoundation == expected, "seed \(seed), round \(round): \(String(decoding: ours, as: UTF8.self))")
            #expect(readByUs == expected, "seed \(seed), round \(round): \(String(decoding: theirs, as: UTF8.self))")
        }
    }

    @Test("A Float is written as its own digits, as Foundation writes it")
    func floatDigits() throws {
        struct Box: Codable { var value: Float }
        #expect(String(decoding: try JSON.encode(Box(value: 0.1)), as: UTF8.self) == #"{"value":0.1}"#)
        #expect(String(decoding: try JSONEncoder().encode(Box(value: 0.1)), as: UTF8.self) == #"{"value":0.1}"#)
    }

    @Test("A value that does not fit its width is an error, never a wrap or a trap", arguments: [
        #"{"value":128}"#, #"{"value":-129}"#, #"{"value":1.5}"#, #"{"value":1e300}"#,
    ])
    func outOfRange(document: String) {
        struct Box: Codable { var value: Int8 }
        #expect(throws: (any Error).self) { try JSON.decode(Box.self, from: Array(document.utf8)) }
        #expect(throws: (any Error).self) { try JSONDecoder().decode(Box.self, from: Data(document.utf8)) }
    }

    @Test("A number beyond Float's range is an error, not infinity (the json fuzz target's every-width seed found it)")
    func floatOverflow() {
        struct Box: Codable { var value: Float }
        #expect(throws: (any Error).self) { try JSON.decode(Box.self, from: Array(#"{"value":3.5e38}"#.utf8)) }
        #expect(throws: (any Error).self) { try JSONDecoder().decode(Box.self, from: Data(#"{"value":3.5e38}"#.utf8)) }
    }
}

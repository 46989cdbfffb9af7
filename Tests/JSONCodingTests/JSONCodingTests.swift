// SPDX-License-Identifier: Apache-2.0
import Foundation
@testable import JSONCoding
import Testing

/// Our JSON against RFC 8259 and against what Foundation's coders do with the
/// same types, since stores and peers written by either must read the same.
@Suite("JSON without Foundation")
struct JSONCodingTests {
    struct Token: Codable, Equatable {
        var accessToken: String
        var expiresIn: Double?
        var count: Int
        var scope: [String]
        var nested: Nested?
        var flag: Bool
        enum CodingKeys: String, CodingKey {
            case accessToken = "access_token", expiresIn = "expires_in", count, scope, nested, flag
        }
    }
    struct Nested: Codable, Equatable { var name: String; var values: [Int?] }

    @Test("Values decode as Foundation decodes them; our encoding reads back in Foundation")
    func agreesWithFoundation() throws {
        let document = #"{"access_token":"a\"b\\c\/d\u00e9\ud83d\ude00\n","expires_in":3600,"count":-7,"scope":["x","y"],"nested":{"name":"n","values":[1,null,3]},"flag":true,"extra":{"ignored":[1,2,{}]}}"#
        let ours = try JSON.decode(Token.self, from: Array(document.utf8))
        let theirs = try JSONDecoder().decode(Token.self, from: Data(document.utf8))
        #expect(ours == theirs)
        #expect(ours.accessToken == "a\"b\\c/dé😀\n")
        let encoded = try JSON.encode(ours)
        #expect(try JSONDecoder().decode(Token.self, from: Data(encoded)) == ours)
        // Sorted keys, "/" unescaped, nil left out: the same bytes Foundation writes with those options.
        var plain = ours
        plain.nested = nil
        plain.accessToken = "a/b"
        let foundation = JSONEncoder()
        foundation.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        #expect(String(decoding: try JSON.encode(plain), as: UTF8.self) == String(decoding: try foundation.encode(plain), as: UTF8.self))
    }

    @Test("A password's raw bytes are escaped as a String's are, and read back whole",
          arguments: ["plain", "quote \" and \\ backslash", "tab\tnew\nline\r", "\u{01}\u{1F}\u{7F}", "pässwörd 🔑"])
    func escapedBytes(text: String) throws {
        var out: [UInt8] = [UInt8(ascii: "\"")]
        JSONWriter.appendEscaped(utf8: Array(text.utf8), into: &out)
        out.append(UInt8(ascii: "\""))
        #expect(out == JSONWriter.write(.string(text)), "one escaping for both")
        #expect(try JSONParser.parse(out) == .string(text))
    }

    @Test("Numbers: integers exact, integral floats read as integers, fractions not")
    func numbers() throws {
        struct N: Codable { var i: Int; var d: Double }
        #expect(try JSON.decode(N.self, from: Array(#"{"i": 3600.0, "d": 1.5e3}"#.utf8)).i == 3600)
        #expect(try JSON.decode(N.self, from: Array(#"{"i": 9007199254740993, "d": -0.25}"#.utf8)).i == 9007199254740993)
        #expect(throws: JSON.DecodeError.self) { try JSON.decode(N.self, from: Array(#"{"i": 1.5, "d": 1}"#.utf8)) }
        #expect(throws: JSON.DecodeError.self) { try JSON.decode(N.self, from: Array(#"{"i": 1e400, "d": 1}"#.utf8)) }
        #expect(throws: JSON.DecodeError.self) { try JSON.decode(N.self, from: Array(#"{"i": "1", "d": 1}"#.utf8)) }
        #expect(String(decoding: try JSON.encode(N(i: 5, d: 2)), as: UTF8.self) == #"{"d":2,"i":5}"#)
        #expect(throws: EncodingError.self) { try JSON.encode(N(i: 5, d: .nan)) }
    }

    @Test("Malformed documents are typed errors with the byte offset", arguments: [
        "", " ", "{", "}", "[1,]", "{\"a\":}", "{\"a\" 1}", "{a:1}", "01", "1.", "-", "1e", "tru", "nul", "\"abc",
        "\"\\x\"", "\"\\u12\"", "\"\\ud800\"", "\"\\udc00\"", "\"a\u{01}b\"", "[1] 2", "{\"a\":1,}", "NaN", "'a'",
    ])
    func malformed(_ text: String) {
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(Array(text.utf8)) }
    }

    @Test("Invalid UTF-8 and deep nesting are refused, not crashed on")
    func hostile() {
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse([0x22, 0xFF, 0xFE, 0x22]) }
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(Array(String(repeating: "[", count: 100_000).utf8)) }
        let deepest = String(repeating: "[", count: JSONParser.maxDepth) + String(repeating: "]", count: JSONParser.maxDepth)
        #expect((try? JSONParser.parse(Array(deepest.utf8))) != nil)
    }

    @Test("Missing members and wrong types say which member")
    func decodeErrors() {
        do {
            _ = try JSON.decode(Token.self, from: Array(#"{"access_token": 1}"#.utf8))
            Issue.record("decoded a number as a string")
        } catch {
            #expect(error.description.contains("access_token"), "\(error)")
        }
        do {
            _ = try JSON.decode(Token.self, from: Array(#"{"access_token": "a", "count": 1, "flag": true}"#.utf8))
            Issue.record("decoded without scope")
        } catch {
            #expect(error.description == "no scope", "\(error)")
        }
    }

    @Test("Control characters are escaped, so one document is one line")
    func oneLine() throws {
        let text = "a\u{00}b\u{1F}c\u{7F}\r\n\t"
        let encoded = try JSON.encode([text])
        #expect(!encoded.contains(UInt8(ascii: "\n")) && !encoded.contains(0))
        #expect(try JSON.decode([String].self, from: encoded) == [text])
        #expect(try JSONSerialization.jsonObject(with: Data(encoded)) as? [String] == [text])
    }
}

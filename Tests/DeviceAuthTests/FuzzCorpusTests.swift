// SPDX-License-Identifier: Apache-2.0
import Foundation
import FuzzTargets
import Testing

/// Every input in Fuzz/Corpus (the seeds, and each input a fuzzer ever broke a
/// property with, kept as a regression) replayed through its target on every
/// test run, without the fuzzer; and each target given a megabyte, which it
/// must get through in time linear in the input.
@Suite("Fuzz corpus replayed")
struct FuzzCorpusTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz/Corpus")

    /// A target runs synchronously, as libFuzzer calls it, and waits for async parsers on
    /// Swift's pool: it gets a thread of its own, so it never holds a pool thread while waiting.
    func run(_ target: FuzzTarget, _ bytes: [UInt8]) async -> String? {
        await withCheckedContinuation { continuation in
            Thread {
                do { try target.run(bytes); continuation.resume(returning: nil) } catch {
                    continuation.resume(returning: "\(error)")
                }
            }.start()
        }
    }

    @Test("Each target holds its properties on every input of its corpus", arguments: FuzzTarget.allCases)
    func replay(_ target: FuzzTarget) async throws {
        let directory = Self.corpus.appendingPathComponent(target.rawValue)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(!names.isEmpty, "no corpus for \(target.rawValue)")
        for name in names {
            let bytes = Array(try Data(contentsOf: directory.appendingPathComponent(name)))
            if let broken = await run(target, bytes) { Issue.record("\(target.rawValue)/\(name): \(broken)") }
        }
    }

    @Test("A megabyte of one line, of one JSON string, of open brackets: every target gets through",
          .timeLimit(.minutes(1)), arguments: FuzzTarget.allCases)
    func megabyte(_ target: FuzzTarget) async throws {
        let megabyte = 1 << 20
        let inputs: [[UInt8]] = [
            [UInt8](repeating: UInt8(ascii: "a"), count: megabyte),
            Array("200\n\n{\"access_token\":\"".utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: megabyte) + Array("\"}".utf8),
            [UInt8](repeating: UInt8(ascii: "["), count: megabyte),
            Array(String(repeating: "[Provider]\nClientID=x\n", count: megabyte / 22).utf8),
        ]
        for input in inputs {
            if let broken = await run(target, input) { Issue.record("\(target.rawValue): \(broken)") }
        }
    }
}

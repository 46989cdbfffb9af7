// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
import TestSupport

/// The README is a front door and each document has one job: the links between
/// them must lead somewhere, and the README must lead to every document.
@Suite("Documentation")
struct DocumentationTests {
    static let root = Subprocess.packageDirectory

    static var documents: [String] {
        ["README.md"] + ((try? FileManager.default.contentsOfDirectory(atPath: root + "/docs")) ?? [])
            .filter { $0.hasSuffix(".md") }.sorted().map { "docs/" + $0 }
    }

    static func read(_ path: String) throws -> String { try String(contentsOfFile: root + "/" + path, encoding: .utf8) }

    /// `[text](target)` links outside code blocks, as (target, line number).
    static func links(in text: String) -> [(String, Int)] {
        var found: [(String, Int)] = []
        var inCode = false
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.hasPrefix("```") { inCode.toggle(); continue }
            guard !inCode else { continue }
            for match in line.matches(of: /\]\(([^)\s]+)\)/) { found.append((String(match.1), number + 1)) }
        }
        return found
    }

    /// GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens.
    static func anchor(_ heading: String) -> String {
        String(heading.lowercased().compactMap { character -> Character? in
            if character == " " { return "-" }
            return character.isLetter || character.isNumber || character == "-" || character == "_" ? character : nil
        })
    }

    static func anchors(_ text: String) -> Set<String> {
        Set(text.split(separator: "\n").filter { $0.hasPrefix("#") }.map { anchor(String($0.drop { $0 == "#" }.drop { $0 == " " })) })
    }

    @Test("Every relative link in the README and docs/ leads to a file of the repository, and an anchor to a heading there")
    func linksResolve() throws {
        var checked = 0
        for document in Self.documents {
            let text = try Self.read(document)
            let base = URL(fileURLWithPath: Self.root + "/" + document).deletingLastPathComponent()
            for (target, line) in Self.links(in: text) where !target.hasPrefix("http://") && !target.hasPrefix("https://") && !target.hasPrefix("mailto:") {
                checked += 1
                let parts = target.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                let file = parts[0].isEmpty ? URL(fileURLWithPath: Self.root + "/" + document) : base.appendingPathComponent(parts[0]).standardized
                #expect(FileManager.default.fileExists(atPath: file.path), "\(document):\(line): \(target) leads nowhere")
                if parts.count == 2, file.pathExtension == "md", let targetText = try? String(contentsOf: file, encoding: .utf8) {
                    #expect(Self.anchors(targetText).contains(parts[1]), "\(document):\(line): no heading for #\(parts[1]) in \(file.lastPathComponent)")
                }
            }
        }
        #expect(checked >= 20)
    }

    @Test("The README is a front door: under 200 lines, and it leads to every document in docs/")
    func frontDoor() throws {
        let readme = try Self.read("README.md")
        #expect(readme.split(separator: "\n", omittingEmptySubsequences: false).count < 200)
        let targets = Set(Self.links(in: readme).map { $0.0.split(separator: "#").first.map(String.init) ?? "" })
        for document in Self.documents where document != "README.md" {
            #expect(targets.contains(document), "the README does not lead to \(document)")
        }
    }

    @Test("What the daemon tells a user running it by hand points at a section that is there")
    func byHandGuide() throws {
        let operations = try Self.read("docs/operations.md")
        #expect(operations.contains("\n## Running it by hand\n"))
        let source = try Self.read("Sources/deviceauthd/DaemonSetup+Places.swift")
        #expect(source.contains(#"docs/operations.md, \"Running it by hand\""#))
    }
}

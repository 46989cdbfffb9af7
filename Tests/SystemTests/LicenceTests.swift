// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
import TestSupport

/// The project is Apache-2.0: the licence's text, the notice, the package's
/// copyright file and a tag in every file of ours say so, and agree.
@Suite("Licence")
struct LicenceTests {
    static let root = Subprocess.packageDirectory

    static func read(_ path: String) throws -> String { try String(contentsOfFile: root + "/" + path, encoding: .utf8) }

    @Test("LICENSE is the Apache License 2.0; NOTICE names it; the package's copyright file is machine-readable Apache-2.0")
    func licenceFiles() throws {
        let licence = try Self.read("LICENSE")
        #expect(licence.contains("Apache License\n                           Version 2.0, January 2004"))
        #expect(licence.contains("END OF TERMS AND CONDITIONS"))
        #expect(try Self.read("NOTICE").contains("Apache License, Version 2.0"))
        let copyright = try Self.read("packaging/debian/copyright")
        #expect(copyright.hasPrefix("Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"))
        #expect(copyright.contains("Files: *\nCopyright: 2026 the deviceauthd authors\nLicense: Apache-2.0\n"))
        #expect(copyright.contains("\nLicense: Apache-2.0\n Licensed under the Apache License"))
        #expect(!copyright.lowercased().contains("proprietary"))
    }

    @Test("Every source file, test and script of ours carries SPDX-License-Identifier: Apache-2.0 in its first lines")
    func everyFileTagged() async throws {
        // Any owner: run as another user, git refuses a checkout it does not own ("dubious ownership").
        let listed = try await Subprocess.run("/usr/bin/git", ["-c", "safe.directory=*", "-C", Self.root, "ls-files"])
        try #require(listed.status == 0, "git ls-files: \(listed.output)")
        var untagged: [String] = []
        var checked = 0
        for path in listed.output.split(separator: "\n").map(String.init) {
            let isCode = [".swift", ".c", ".h"].contains { path.hasSuffix($0) }
            guard let text = try? Self.read(path) else { continue }  // listed but not here (deleted in the work tree)
            let isScript = text.hasPrefix("#!")
            guard isCode || isScript else { continue }
            checked += 1
            if !text.split(separator: "\n", maxSplits: 3).prefix(3).contains("// SPDX-License-Identifier: Apache-2.0")
                && !text.split(separator: "\n", maxSplits: 3).prefix(3).contains("# SPDX-License-Identifier: Apache-2.0") {
                untagged.append(path)
            }
        }
        #expect(checked > 250)
        #expect(untagged.isEmpty, "without the tag: \(untagged)")
    }
}

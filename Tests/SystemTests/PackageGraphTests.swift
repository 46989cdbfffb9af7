// SPDX-License-Identifier: Apache-2.0
import Foundation
import TestSupport
import Testing

/// The module boundaries docs/architecture.md describes are kept by Package.swift;
/// this keeps Package.swift honest: each target declares exactly the modules it
/// imports (no dependency kept "just in case", none reached through another).
@Suite("Package graph")
struct PackageGraphTests {
    /// Modules of the platform and the toolchain, which no manifest declares.
    static let platform: Set<String> = ["Glibc", "Musl", "Darwin", "Foundation", "Testing", "Synchronization", "Dispatch", "_Concurrency"]
    /// Executables the system tests run: declared so that they are built, never imported.
    static let builtToRun: Set<String> = ["deviceauthctl", "deviceauth-fake-provider"]

    @Test("Each target declares exactly the modules its sources import")
    func declaredIsImported() async throws {
        let swift = ["/opt/swift/usr/bin/swift", "/usr/bin/swift"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let swift else { try Test.cancel("no swift executable to read the manifest with") }
        let dump = try await Subprocess.run(swift, ["package", "--package-path", Subprocess.packageDirectory, "--scratch-path", NSTemporaryDirectory() + "deviceauthd-manifest-\(getuid())", "dump-package"], seconds: 120)
        try #require(dump.status == 0, "\(dump.output.prefix(500))")
        let start = try #require(dump.output.firstIndex(of: "{"))
        let manifest = try #require(try JSONSerialization.jsonObject(with: Data(dump.output[start...].utf8)) as? [String: Any])
        let targets = try #require(manifest["targets"] as? [[String: Any]])
        #expect(targets.count >= 30)
        for target in targets {
            let name = try #require(target["name"] as? String), type = target["type"] as? String
            guard type != "system" else { continue }
            var declared: Set<String> = []
            for dependency in target["dependencies"] as? [[String: Any]] ?? [] {
                for (_, value) in dependency { if let first = (value as? [Any])?.first as? String { declared.insert(first) } }
            }
            let directory = Subprocess.packageDirectory + "/" + ((target["path"] as? String) ?? ((type == "test" ? "Tests/" : "Sources/") + name))
            var imported: Set<String> = []
            let files = FileManager.default.enumerator(atPath: directory)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") } ?? []
            #expect(!files.isEmpty, "\(name) has no sources at \(directory)")
            for file in files {
                for line in try String(contentsOfFile: directory + "/" + file, encoding: .utf8).split(separator: "\n") {
                    if let match = line.firstMatch(of: /^(?:@testable |@_spi\(\w+\) )?import (\w+)/) { imported.insert(String(match.1)) }
                }
            }
            #expect(declared.subtracting(imported).subtracting(Self.builtToRun).sorted() == [], "\(name) declares modules it does not import")
            #expect(imported.subtracting(declared).subtracting(Self.platform).sorted() == [], "\(name) imports modules it does not declare")
        }
    }
}

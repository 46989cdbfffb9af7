// SPDX-License-Identifier: Apache-2.0
import DeviceAuthConfig
import OAuthProvider
import Foundation
import TestSupport
import Testing

/// What people read about the dialects follows `ProviderDialect.all`: the man page's
/// Type= entry and defaults, docs/providers.md's sections, the shipped config's comment.
/// (Each dialect's example config is checked by DeviceAuthTests' ShippedProviderExamplesTests.)
@Suite("Provider dialects in the docs")
struct DialectDocumentationTests {
    static func entry(_ key: String) throws -> String {
        try #require(try ManualTests.pageKeys()["Provider." + key]).replacingOccurrences(of: "\n\t", with: " ")
    }

    @Test("deviceauthd.conf(5): Type= names each dialect with its title and the default; the defaults each dialect declares are the page's")
    func manualPage() throws {
        let type = try Self.entry("Type")
        for dialect in ProviderDialect.all {
            #expect(type.contains("*\(dialect.name)* (\(dialect.title)"), "Type= does not name \(dialect.name) as \(dialect.title)")
        }
        #expect(type.contains("Default: *\(ProviderDialect.all[0].name)*"))
        let baseURL = try Self.entry("BaseURL"), scope = try Self.entry("Scope"), authentication = try Self.entry("ClientAuthentication")
        for dialect in ProviderDialect.all {
            if let url = dialect.defaultBaseURL { #expect(baseURL.contains("*\(url)* (\(dialect.name))"), "BaseURL=: \(dialect.name)") }
            if let words = dialect.defaultScope { #expect(scope.contains("*\(words)* for \(dialect.name)"), "Scope=: \(dialect.name)") }
            #expect(authentication.contains(dialect.defaultClientAuthentication.rawValue), "ClientAuthentication=: \(dialect.name)")
        }
    }

    @Test("docs/providers.md has one section per dialect, headed with its Type=, and none for a dialect the daemon does not take")
    func providersPage() throws {
        let text = try String(contentsOfFile: Subprocess.packageDirectory + "/docs/providers.md", encoding: .utf8)
        let headed = text.split(separator: "\n").filter { $0.hasPrefix("## ") }.compactMap { line -> String? in
            guard let start = line.range(of: "`Type=") else { return nil }
            return String(line[start.upperBound...].prefix { $0 != "`" })
        }
        #expect(headed.sorted() == ProviderDialect.all.map(\.name).sorted())
    }

    @Test("The shipped deviceauthd.conf says which dialects Type= takes, and each has its example config")
    func shippedConfig() throws {
        let text = try String(contentsOfFile: Subprocess.packageDirectory + "/config/deviceauthd.conf", encoding: .utf8)
        let lines = text.split(separator: "\n").map(String.init)
        let typeLine = try #require(lines.firstIndex { $0.hasPrefix("Type=") })
        let comment = lines[..<typeLine].reversed().prefix { $0.hasPrefix("#") }.joined(separator: " ")
        for dialect in ProviderDialect.all { #expect(comment.contains(dialect.name), "the comment above Type= does not name \(dialect.name)") }
        for dialect in ProviderDialect.all.dropFirst() {
            #expect(FileManager.default.fileExists(atPath: Subprocess.packageDirectory + "/config/\(dialect.name).conf"))
        }
    }
}

// SPDX-License-Identifier: Apache-2.0
import AccessPolicy
import ControlProtocol
import Foundation
import TestSupport
import Testing

/// docs/control-protocol.md and deviceauthctl follow `ControlMethods.all`: each method
/// is described with its role, its parameters and result members are in the tables,
/// the roles table lists what each role may call, and each method's command exists
/// and says in deviceauthctl(1) who may run it.
@Suite("Control methods in the docs")
struct ControlDocumentationTests {
    static func document() throws -> String {
        try String(contentsOfFile: Subprocess.packageDirectory + "/docs/control-protocol.md", encoding: .utf8)
    }

    /// The text of the section headed `## name`, up to the next `## `.
    static func section(_ name: String, in text: String) throws -> String {
        let start = try #require(text.range(of: "\n## \(name)\n"))
        let rest = text[start.upperBound...]
        return String(rest[..<(rest.range(of: "\n## ")?.lowerBound ?? rest.endIndex)])
    }

    static func fieldNames<Method: ControlMethod>(_: Method.Type) -> (parameters: [String], result: [String]) {
        (FieldNames.of(Method.Parameters.self), FieldNames.of(Method.Result.self))
    }

    @Test("The field recorder finds a type's members (it could not pass by finding none)")
    func recorder() {
        #expect(FieldNames.of(LoginFinishParameters.self) == ["state", "code"])
        #expect(FieldNames.of(UnpairResult.self).sorted() == ["message", "revocation", "revoked", "status"])
        #expect(FieldNames.of(NoParameters.self).isEmpty)
    }

    @Test("Each method is described under Methods with its role, and its parameters and result members are in the Requests and Replies tables")
    func methods() throws {
        let text = try Self.document()
        let methods = try Self.section("Methods", in: text), requests = try Self.section("Requests", in: text), replies = try Self.section("Replies", in: text)
        let methodRow = try #require(requests.split(separator: "\n").first { $0.hasPrefix("| `method` |") })
        for method in ControlMethods.all {
            #expect(methods.contains("- **`\(method.name)`** (\(method.role)"), "Methods does not describe \(method.name) as \(method.role)")
            #expect(methodRow.contains("`\(method.name)`"), "the method row does not list \(method.name)")
            let (parameters, result) = Self.fieldNames(method)
            for field in parameters {
                #expect(requests.contains("| `\(field)`") || requests.contains(", `\(field)` |"), "\(method.name)'s parameter \(field) is not in the Requests table")
            }
            for field in result {
                #expect(replies.contains("| `\(field)` |"), "\(method.name)'s result member \(field) is not in the Replies table")
            }
        }
    }

    @Test("The roles table lists exactly what each role below administrator may call")
    func roles() throws {
        let rows = try Self.section("Roles", in: try Self.document()).split(separator: "\n")
        for role in [PeerRole.observer, .tokenReader] {
            let row = try #require(rows.first { $0.hasPrefix("| \(role) |") })
            let listed = Set(row.split(separator: "|").last.map { $0.matches(of: /`([a-z_]+)`/).map { String($0.1) } } ?? [])
            #expect(listed == Set(ControlMethods.all.filter { $0.role <= role }.map { $0.name }), "\(role)")
        }
    }

    @Test("Each method's command is a deviceauthctl command, and deviceauthctl(1) says who may run it")
    func commands() async throws {
        let (commands, _) = try await ManualTests.cli()
        let page = try ManualTests.source("man/deviceauthctl.1.scd")
        for method in ControlMethods.all {
            #expect(commands.contains(method.command), "\(method.name)'s command \(method.command) is not in deviceauthctl help")
            let entry = page.components(separatedBy: "\n*\(method.command)*").dropFirst().first?.components(separatedBy: "\n\n").first ?? ""
            let words = switch method.role {
            case .administrator: "administrators"
            case .tokenReader: "token readers"
            case .observer: "anyone"
            }
            #expect(entry.replacingOccurrences(of: "\n\t", with: " ").contains(words), "deviceauthctl(1)'s \(method.command) entry does not say \(words)")
        }
    }
}

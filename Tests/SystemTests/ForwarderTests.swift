// SPDX-License-Identifier: Apache-2.0
import FakeProvider
import Foundation
import TestSupport
import Testing

/// The API forwarder through the real daemon and curl, as the camera's other users would
/// use it: uid 4431 is a token reader, uid 4430 anyone else.
@Suite("API forwarder", .serialized)
struct ForwarderTests {
    static let reader: UInt32 = 4431, stranger: UInt32 = 4430

    /// A paired daemon with the forwarder on `<directory>/api.sock`.
    static func paired(_ fake: FakeHarness) async throws -> (DaemonFixture, String) {
        let daemon = try DaemonFixture(fake: fake)
        let socket = daemon.directory + "/api.sock"
        try daemon.writeConfig("[Control]\nTokenReaders=\(reader)\n[Forwarder]\nSocket=\(socket)\n")
        _ = try #require(try await daemon.pair())
        return (daemon, socket)
    }

    /// curl through the forwarder as `uid` (root when nil): the status, then the body.
    static func curl(_ socket: String, _ url: String, uid: UInt32? = nil, _ extra: [String] = []) async throws -> (status: Int, body: String) {
        var command = ["/usr/bin/curl", "-s", "-m", "30", "--unix-socket", socket, "-w", "\n%{http_code}"] + extra + [url]
        if let uid { command = ["/usr/bin/setpriv", "--reuid=\(uid)", "--regid=\(uid)", "--clear-groups"] + command }
        let run = try await Subprocess.run(command[0], Array(command.dropFirst()), seconds: 60)
        let lines = run.output.split(separator: "\n", omittingEmptySubsequences: false)
        return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test("A token reader's request reaches the provider with the live token and without its own Authorization; an observer gets 403; another host is refused",
          .needsRoot("curl as other uids, through setpriv"), .needsProgram("/usr/bin/curl", from: "curl"))
    func roles() async throws {
        try await withFakeProvider(realTime: true, { $0.pollingInterval = 1 }) { fake in
            let (daemon, socket) = try await Self.paired(fake)
            let token = try await daemon.ctl(["token"]).output.trimmingCharacters(in: .whitespacesAndNewlines)
            let reader = try await Self.curl(socket, "http://provider/v2/echo?page=2", uid: Self.reader, ["-H", "Authorization: Bearer the-clients-own"])
            #expect(reader.status == 200, "\(reader.body)")
            let echo = try Self.json(reader.body)
            #expect(echo["bearer"] as? String == token)
            #expect(echo["authorization_headers"] as? Int == 1)
            #expect(echo["path"] as? String == "/v2/echo" && echo["query"] as? String == "page=2")

            let stranger = try await Self.curl(socket, "http://provider/v2/echo", uid: Self.stranger)
            #expect(stranger.status == 403)
            #expect(try Self.json(stranger.body)["error"] as? String == "permission_denied")
            #expect(stranger.body.contains("token reader"), "\(stranger.body)")

            for url in ["http://evil.example/v2/echo", "http://127.0.0.2:1/v2/echo"] {
                let elsewhere = try await Self.curl(socket, url, uid: Self.reader)
                #expect(elsewhere.status == 421, "\(url): \(elsewhere)")
            }
            // Absolute form, as to a proxy: only for the provider.
            let absolute = try await Self.curl(socket, "http://evil.example/v2/echo", uid: Self.reader, ["--request-target", "http://evil.example/v2/echo"])
            #expect(absolute.status == 421)
            #expect(try await fake.stats().refreshes == 0)
            #expect(await daemon.stop().status == 0)
            #expect(daemon.leakedSecrets.isEmpty)
            #expect(!daemon.output.contains(token))
        }
    }

    @Test("An access token the provider no longer takes costs one refresh and one retry; the caller sees only the 200",
          .needsProgram("/usr/bin/curl", from: "curl"))
    func expiredAccessToken() async throws {
        try await withFakeProvider(realTime: true, { $0.pollingInterval = 1 }) { fake in
            let (daemon, socket) = try await Self.paired(fake)
            let before = try await daemon.ctl(["token"]).output.trimmingCharacters(in: .whitespacesAndNewlines)
            try await fake.control("expire-access")
            let answer = try await Self.curl(socket, "http://provider/v2/echo", ["-X", "POST", "--data-binary", "a small body"])
            #expect(answer.status == 200, "\(answer.body)")
            let echo = try Self.json(answer.body)
            #expect(echo["bearer"] as? String != before && echo["body_bytes"] as? Int == 12)
            let stats = try await fake.stats()
            #expect(stats.refreshes == 1)
            #expect(stats.echoes == 2 && stats.echoesRefused == 1, "one 401, one retry: \(stats.echoes) calls, \(stats.echoesRefused) refused")
            #expect(daemon.output.contains("the provider refused the access token (HTTP 401 to a forwarded request): refreshing"))
            #expect(await daemon.stop().status == 0)
        }
    }

    @Test("Ten callers refused together cause one refresh; each sees its 200",
          .needsProgram("/usr/bin/curl", from: "curl"))
    func tenCallersOneRefresh() async throws {
        try await withFakeProvider(realTime: true, { $0.pollingInterval = 1 }) { fake in
            let (daemon, socket) = try await Self.paired(fake)
            try await fake.control("expire-access")
            let answers = try await withThrowingTaskGroup(of: (status: Int, body: String).self) { group in
                for index in 0..<10 { group.addTask { try await Self.curl(socket, "http://provider/v2/echo?caller=\(index)") } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(answers.allSatisfy { $0.status == 200 }, "\(answers.filter { $0.status != 200 })")
            #expect(Set(try answers.map { try Self.json($0.body)["bearer"] as? String }).count == 1, "every caller went with the one new token")
            let stats = try await fake.stats()
            #expect(stats.refreshes == 1)
            #expect(stats.echoesRefused <= 10 && stats.echoes == 10 + stats.echoesRefused)
            #expect(await daemon.stop().status == 0)
        }
    }
}

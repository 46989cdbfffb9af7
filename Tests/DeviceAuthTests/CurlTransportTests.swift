// SPDX-License-Identifier: Apache-2.0
import CurlHTTP
import DeviceAuth
import OAuthProvider
import FakeProvider
import Foundation
import TestSupport
import Testing

/// The libcurl transport against real servers on loopback: what it refuses
/// (a certificate nobody vouches for, a redirect), what it hands back whole,
/// and that a cancelled request ends at once rather than at its timeout.
@Suite("libcurl transport")
struct CurlTransportTests {
    let transport = CurlTransport(timeoutSeconds: 20)

    @Test("A server whose certificate the system's trust store does not vouch for gets no request")
    func untrustedCertificate() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("curl-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let key = directory.appendingPathComponent("key.pem").path, certificate = directory.appendingPathComponent("cert.pem").path
        let made = try await Subprocess.run("/usr/bin/openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                                                           "-keyout", key, "-out", certificate, "-days", "1", "-subj", "/CN=127.0.0.1",
                                                           "-addext", "subjectAltName=IP:127.0.0.1"])
        try #require(made.status == 0, "openssl req: \(made.output)")
        let server = try Subprocess("/usr/bin/openssl", ["s_server", "-accept", "127.0.0.1:0", "-cert", certificate, "-key", key, "-www"])
        let port = try #require(await acceptedPort(server))

        let call = HTTPCall(method: "POST", url: "https://127.0.0.1:\(port)/token", body: Array("grant_type=refresh_token".utf8))
        do {
            _ = try await transport.perform(call)
            Issue.record("a request went through to an untrusted server")
        } catch {
            guard case .network(let words) = error else { Issue.record("not a network failure: \(error)"); return }
            #expect(words.kind == .tlsUntrusted && words.detail.lowercased().contains("certificate"), "\(words)")
        }
        server.signal(SIGKILL)  // s_server does not stop on SIGTERM while it waits for a connection
        _ = await server.waitForExit(seconds: 5)
    }

    @Test("Cancelling a request the server never answers ends it at once, not at its timeout")
    func cancelHungRequest() async throws {
        try await withFakeProvider { fake in
            try await fake.control("faults", #"{"endpoint": "token", "mode": "hang"}"#)
            let call = HTTPCall(method: "POST", url: "\(fake.baseURL)/v2/auth/token",
                                headers: [("Content-Type", "application/x-www-form-urlencoded")], body: Array("grant_type=x".utf8))
            let request = Task { () -> Result<HTTPAnswer, OAuthFailure> in
                do throws(OAuthFailure) { return .success(try await transport.perform(call)) } catch { return .failure(error) }
            }
            // Cancelled once the server holds the request (bounded wait), not after a guessed pause.
            // An explicit break: a `where` clause is evaluated on every one of the 250 rounds, and
            // 250 stats calls on a loaded machine outlasted the transport's 20 s (CI saw "timed out").
            for _ in 0..<250 {
                if try await fake.stats().faultsInjected > 0 { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(try await fake.stats().faultsInjected == 1)
            request.cancel()
            // The transport's own deadline is 20 s; "cancelled" says it did not wait for it.
            let result = await request.value
            #expect(result.failure == .network("cancelled"))
        }
    }

    @Test("A redirect is handed back, not followed; headers of the answer come whole")
    func redirectAndHeaders() async throws {
        try await withFakeProvider { fake in
            let call = HTTPCall(method: "POST", url: "\(fake.baseURL)/v2/auth/token",
                                headers: [("Content-Type", "application/x-www-form-urlencoded")], body: Array("grant_type=x".utf8))
            try await fake.control("faults", #"{"endpoint": "token", "mode": "status", "status": 302}"#)
            let redirected = try await transport.perform(call)
            #expect(redirected.status == 302)
            try await fake.control("faults", #"{"endpoint": "token", "mode": "status", "status": 429}"#)
            let limited = try await transport.perform(call)
            #expect(limited.status == 429)
            #expect(limited.header("X-RateLimit-Window") != nil)
            #expect(limited.header("x-ratelimit-remaining") == "0")
            // Every request was the fake's: nothing went anywhere else.
            #expect(try await fake.stats().faultsInjected == 2)
        }
    }

    /// The port `openssl s_server` printed ("ACCEPT 127.0.0.1:PORT"), within 10 s.
    func acceptedPort(_ server: Subprocess) async -> Int? {
        for _ in 0..<500 {
            if let line = server.output.split(separator: "\n").first(where: { $0.hasPrefix("ACCEPT ") }),
               let port = line.split(separator: ":").last.flatMap({ Int($0) }) {
                return port
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    @Test("The proxy's password does not show when the transport's settings are printed, dumped or reflected")
    func proxyPasswordWithheld() {
        let network = CurlTransport.Network(proxy: "http://127.0.0.1:3128", proxyCredentials: ProxyCredentials(user: "camera", password: "FAKEPW_proxy"))
        var dumped = ""
        dump(network, to: &dumped)
        for text in [String(describing: network), String(reflecting: network), "\(network)", dumped] {
            #expect(!text.contains("FAKEPW_proxy") && text.contains("camera"), "\(text)")
        }
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let failure) = self { return failure }
        return nil
    }

}

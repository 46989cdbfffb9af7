// SPDX-License-Identifier: Apache-2.0
import FakeProvider
import TestSupport
import Testing

/// The page a person opens on their phone, driven the way a browser does:
/// GET the page, then POST its form (urlencoded) to approve or deny.
@Suite("Activation page")
struct ActivationPageTests {
    func browserPost(_ fake: FakeHarness, _ path: String, code: String) async throws -> TestResponse {
        try await fake.postForm(path, [("code", code)], headers: [("user-agent", "Mozilla/5.0 (test browser)")])
    }

    @Test("GET /device asks for the six-digit code")
    func codeForm() async throws {
        try await withFakeProvider { fake in
            let page = try await fake.send(.GET, "/device", headers: [])
            #expect(page.status == 200)
            #expect(page.header("content-type") == "text/html; charset=utf-8")
            #expect(page.text.contains(#"<form method="get" action="/device">"#))
            #expect(page.text.contains(#"name="code""#))
            #expect(page.header("content-security-policy")?.contains("default-src 'none'") == true)
        }
    }

    @Test("verification_uri_complete shows the device and project with Approve and Deny")
    func confirmationPage() async throws {
        try await withFakeProvider({ $0.deviceName = "Frameio-FX6"; $0.projectName = "Studio B" }) { fake in
            let code = try await fake.requestDeviceCode()
            let response = try await fake.postForm("/v2/auth/device/code", fake.deviceCodeFields(),
                                                   headers: FakeHarness.defaultHeaders + [("x-client-platypus-enabled", "true")])
            let complete = try #require(response.string("verification_uri_complete"))
            let path = String(complete.dropFirst(fake.baseURL.count))
            #expect(path.hasPrefix("/device?code="))
            let page = try await fake.send(.GET, "/device?code=\(code.userCode)", headers: [])
            #expect(page.status == 200)
            #expect(page.text.contains("Connect device Frameio-FX6 to project Studio B?"))
            #expect(page.text.contains(#"action="/device/approve""#))
            #expect(page.text.contains(#"action="/device/deny""#))
            #expect(page.text.contains(#"value="\#(code.userCode)""#))
            // The complete URL of the second code opens its own page.
            #expect(try await fake.send(.GET, path, headers: []).status == 200)
        }
    }

    @Test("A code typed with a space or dash is understood")
    func typedCodeFormats() async throws {
        try await withFakeProvider { fake in
            let code = try await fake.requestDeviceCode()
            let digits = Array(code.userCode)
            let spaced = String(digits[0..<3]) + "+" + String(digits[3...])  // "123 456", form-encoded
            let dashed = String(digits[0..<3]) + "-" + String(digits[3...])
            #expect(try await fake.send(.GET, "/device?code=\(spaced)", headers: []).status == 200)
            #expect(try await fake.send(.GET, "/device?code=\(dashed)", headers: []).status == 200)
        }
    }

    @Test("Approve from the page, and the device's next poll gets its tokens")
    func approveFromBrowser() async throws {
        try await withFakeProvider { fake in
            let code = try await fake.requestDeviceCode()
            let result = try await browserPost(fake, "/device/approve", code: code.userCode)
            #expect(result.status == 200)
            #expect(result.text.contains("Device connected"))
            fake.clock.advance(by: Double(code.interval))
            let tokens = try await fake.poll(code)
            #expect(tokens.status == 200)
            #expect(tokens.string("access_token") != nil)
            // A decided code no longer opens a confirmation page.
            #expect(try await fake.send(.GET, "/device?code=\(code.userCode)", headers: []).status == 404)
        }
    }

    @Test("Deny from the page, and the device's next poll is access_denied")
    func denyFromBrowser() async throws {
        try await withFakeProvider { fake in
            let code = try await fake.requestDeviceCode()
            let result = try await browserPost(fake, "/device/deny", code: code.userCode)
            #expect(result.status == 200)
            #expect(result.text.contains("Device not connected"))
            fake.clock.advance(by: Double(code.interval))
            #expect(try await fake.poll(code).oauthError == "access_denied")
            #expect(try await browserPost(fake, "/device/approve", code: code.userCode).status == 404)
        }
    }

    @Test("Unknown, malformed and expired codes get the form again with a message",
          arguments: ["000000", "12345", "abcdef", ""])
    func unknownCode(_ typed: String) async throws {
        try await withFakeProvider { fake in
            let page = try await fake.send(.GET, "/device?code=\(typed)", headers: [])
            #expect(page.status == 404)
            #expect(page.text.contains("not valid or has expired"))
            #expect(page.text.contains(#"name="code""#))
            #expect(try await browserPost(fake, "/device/approve", code: typed).status == 404)
        }
    }

    @Test("An expired code cannot be approved")
    func expiredCode() async throws {
        try await withFakeProvider { fake in
            let code = try await fake.requestDeviceCode()
            fake.clock.advance(by: Double(code.expiresIn) + 1)
            #expect(try await fake.send(.GET, "/device?code=\(code.userCode)", headers: []).status == 404)
            #expect(try await browserPost(fake, "/device/approve", code: code.userCode).status == 404)
        }
    }

    @Test("Names are HTML-escaped")
    func escaping() async throws {
        try await withFakeProvider({ $0.projectName = #"<script>alert("x")</script> & Co"# }) { fake in
            let code = try await fake.requestDeviceCode()
            let page = try await fake.send(.GET, "/device?code=\(code.userCode)", headers: [])
            #expect(!page.text.contains("<script>"))
            #expect(page.text.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co"))
        }
    }
}

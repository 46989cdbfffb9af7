// SPDX-License-Identifier: Apache-2.0
import OAuthProvider
import ControlProtocol
import FakeProvider
import Foundation
import Testing
import TestSupport

/// `Type=oauth2-device` against the fake's standard endpoints (issuer
/// `<fake>/oauth2`), through the real binaries: discovery, each client
/// authentication, refresh, revocation, and the configuration errors.
@Suite("deviceauthd: any RFC 8628 server", .serialized)
struct StandardDeviceFlowTests {
    static let fast: @Sendable (inout FakeProviderConfiguration) -> Void = { $0.pollingInterval = 1; $0.accessTokenLifetime = 600 }

    static func provider(_ fake: FakeHarness, client: String, method: String, extra: String = "") -> String {
        """
        Type=oauth2-device
        Issuer=\(fake.baseURL)/oauth2
        ClientID=\(client)
        ClientAuthentication=\(method)
        Scope=openid offline_access
        \(extra)
        """
    }

    @Test("Discovery, pairing, refresh and revoke with each client authentication, at a server as strict as oauthlib's", arguments: [
        ("basic-client", "client_secret_basic"), ("post-client", "client_secret_post"), ("public-client", "none"),
    ])
    func pairs(client: String, method: String) async throws {
        try await withFakeProvider(realTime: true, Self.fast) { fake in
            // client_id required in every form, Basic or not; a revocation answered 200 with an empty text/html body.
            try await fake.control("settings", #"{"require_client_id_in_form": true, "revocation_reply": "empty_html"}"#)
            let daemon = try DaemonFixture(fake: fake, provider: Self.provider(fake, client: client, method: method))
            try daemon.start()
            let code = try #require(await daemon.waitForUserCode())
            try await fake.control("approve", #"{"user_code": "\#(code)"}"#)
            #expect(await daemon.notify.waitStatus("authorized: token valid until", seconds: 20) != nil)
            // The metadata is kept for the next start.
            let cache = try String(contentsOfFile: daemon.stateDirectory + "/provider-metadata.json", encoding: .utf8)
            #expect(cache.contains("\(fake.baseURL)/oauth2/token"))

            // A token that must outlive its lifetime: the daemon refreshes first.
            _ = try await daemon.ctl(["refresh"])
            var stats = try await daemon.waitForStats(seconds: 10) { $0.refreshes >= 1 }
            #expect(stats.refreshes == 1 && stats.rejectedRequests == 0 && stats.refreshReuse == 0)

            let unpair = try await daemon.ctl(["unpair"])
            #expect(unpair.output.contains("Unpaired: the authorization was revoked at the provider"))
            #expect(await daemon.notify.waitStatus("unpaired: unpaired on request; the authorization was revoked at the provider", seconds: 5) != nil)
            #expect(daemon.output.contains("revoked the authorization at the provider"))
            stats = try await daemon.waitForStats(seconds: 10) { $0.revocations >= 1 }
            #expect(stats.revocations == 1 && stats.liveAuthorizations == 0 && stats.rejectedRequests == 0)
            #expect(stats.revocationHintsMatched == 1)  // the refresh token, named as such
            #expect(await daemon.stop().status == 0)
            #expect(daemon.leakedSecrets.isEmpty)
        }
    }

    @Test("The QR code is verification_uri_complete when the server sends it, else verification_uri; STATUS without the code",
          arguments: [true, false])
    func qrCode(complete: Bool) async throws {
        try await withFakeProvider(realTime: true, Self.fast) { fake in
            try await fake.control("settings", #"{"verification_uri_complete": \#(complete)}"#)
            let daemon = try DaemonFixture(fake: fake, provider: Self.provider(fake, client: "public-client", method: "none"))
            try daemon.start()
            let code = try #require(await daemon.waitForUserCode())
            let uri = "\(fake.baseURL)/device"
            #expect(!daemon.notify.assignments.contains { $0.contains(code) })
            let shown = try #require(try await daemon.call(ControlRequest(StatusMethod.self)).result?.status)
            #expect(shown.userCode == code && shown.verificationURI == uri)
            // The QR files are written just after STATUS is sent.
            let png = daemon.runtimeDirectory + "/pairing.png"
            for _ in 0..<50 where !FileManager.default.fileExists(atPath: png) { try await Task.sleep(for: .milliseconds(100)) }
            let scanned = try await Subprocess.run("/usr/bin/zbarimg", ["--nodbus", "--quiet", "--raw", png]).output.trimmingCharacters(in: .newlines)
            #expect(scanned == (complete ? "\(uri)?code=\(code)" : uri))
            try await fake.control("approve", #"{"user_code": "\#(code)"}"#)
            #expect(await daemon.notify.waitStatus("authorized:", seconds: 20) != nil)
            #expect(await daemon.stop().status == 0)
        }
    }

    @Test("A client that authenticates the wrong way is told so, with the server's words")
    func wrongMethod() async throws {
        try await withFakeProvider(realTime: true, Self.fast) { fake in
            // basic-client is registered for client_secret_basic: its secret in the form is refused.
            let daemon = try DaemonFixture(fake: fake, provider: Self.provider(fake, client: "basic-client", method: "client_secret_post"))
            try daemon.start()
            let status = await daemon.notify.waitStatus("unpaired: the provider rejected our configuration: invalid_client: \"Client authentication failed\"", seconds: 20)
            #expect(status != nil)
            #expect(await daemon.stop().status == 0)
        }
    }

    @Test("Configuration errors found by discovery exit 78 with the URL and the reason", arguments: [
        (#"{"metadata_issuer": "https://evil.example"}"#, "the metadata's issuer \"https://evil.example\" is not Issuer="),
        (#"{"metadata_omit": ["device_authorization_endpoint"]}"#, "the metadata has no device_authorization_endpoint"),
    ])
    func badMetadata(settings: String, reason: String) async throws {
        try await withFakeProvider(realTime: true, Self.fast) { fake in
            _ = try await fake.control("settings", settings)
            let daemon = try DaemonFixture(fake: fake, provider: Self.provider(fake, client: "basic-client", method: "client_secret_basic"))
            let expected = "\(fake.baseURL)/.well-known/oauth-authorization-server/oauth2: \(reason)"
            let check = try await daemon.checkConfig()
            #expect(check.status == 78)
            #expect(check.output.contains("configuration error: Issuer=\(fake.baseURL)/oauth2: \(expected)"))
            try daemon.start()
            let status = await daemon.waitForExit(seconds: 20)
            #expect(status == 78)
            #expect(daemon.output.contains(expected))
            #expect(!FileManager.default.fileExists(atPath: daemon.stateDirectory + "/provider-metadata.json"))
        }
    }

    @Test("--check-config fetches the metadata: good, or out of reach (a warning, not an error); it writes no cache")
    func checkConfigFetches() async throws {
        try await withFakeProvider(realTime: true, Self.fast) { fake in
            let daemon = try DaemonFixture(fake: fake, provider: Self.provider(fake, client: "basic-client", method: "client_secret_basic"))
            let good = try await daemon.checkConfig()
            #expect(good.status == 0)
            #expect(good.output.contains("provider metadata of \(fake.baseURL)/oauth2 is good: token endpoint \(fake.baseURL)/oauth2/token"))
            #expect(try await fake.stats().metadataFetches == 1)

            try await fake.control("faults", #"{"endpoint": "metadata", "mode": "status", "status": 503}"#)
            let unreachable = try await daemon.checkConfig()
            #expect(unreachable.status == 0)
            #expect(unreachable.output.contains("warning: \(fake.baseURL)/.well-known/oauth-authorization-server/oauth2: cannot fetch the provider's metadata: HTTP 503"))
            #expect(!FileManager.default.fileExists(atPath: daemon.stateDirectory))
        }
    }

    @Test("Endpoints given directly; no revocation endpoint: unpair wipes and says the provider was not told")
    func explicitEndpoints() async throws {
        try await withFakeProvider(realTime: true, Self.fast) { fake in
            let provider = """
                Type=oauth2-device
                DeviceAuthorizationEndpoint=\(fake.baseURL)/oauth2/device_authorization
                TokenEndpoint=\(fake.baseURL)/oauth2/token
                ClientID=public-client
                ClientAuthentication=none
                Scope=offline_access
                """
            let daemon = try DaemonFixture(fake: fake, provider: provider)
            try daemon.start()
            let code = try #require(await daemon.waitForUserCode())
            try await fake.control("approve", #"{"user_code": "\#(code)"}"#)
            #expect(await daemon.notify.waitStatus("authorized: token valid until", seconds: 20) != nil)
            let unpair = try await daemon.ctl(["unpair"])
            #expect(unpair.output.contains("the provider offers no revocation endpoint"))
            #expect(try await fake.stats().revocations == 0)
            #expect(await daemon.stop().status == 0)
            // A public client: the config names no secret file, and the daemon says why it needs none.
            #expect(daemon.output.contains("secret from none: a public client (ClientAuthentication=none)"))
        }
    }
}

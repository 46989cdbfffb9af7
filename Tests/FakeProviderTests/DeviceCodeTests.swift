// SPDX-License-Identifier: Apache-2.0
import FakeProvider
import TestSupport
import Testing

@Suite("POST /v2/auth/device/code")
struct DeviceCodeTests {
    @Test("QR pairing header adds the verification URLs; a six-digit code and the configured lifetimes")
    func qrPairingResponse() async throws {
        try await withFakeProvider({ $0.deviceCodeLifetime = 90; $0.pollingInterval = 7 }) { fake in
            let response = try await fake.postForm("/v2/auth/device/code", fake.deviceCodeFields(),
                                                   headers: FakeHarness.defaultHeaders + [("x-client-platypus-enabled", "true")])
            #expect(response.status == 200)
            let userCode = try #require(response.string("user_code"))
            #expect(userCode.count == 6 && userCode.allSatisfy(\.isNumber))
            #expect(response.int("expires_in") == 90)
            #expect(response.int("interval") == 7)
            #expect(response.string("name") == "Frameio-CAMERA")
            #expect(response.string("device_code")?.isEmpty == false)
            #expect(response.string("verification_uri") == "\(fake.baseURL)/device")
            #expect(response.string("verification_uri_complete") == "\(fake.baseURL)/device?code=\(userCode)")
            #expect(response.header("cache-control") == "no-store")
            #expect(try await fake.stats().deviceCodes == 1)
        }
    }

    @Test("Without x-client-platypus-enabled there are no verification URLs")
    func withoutQRPairing() async throws {
        try await withFakeProvider { fake in
            let response = try await fake.postForm("/v2/auth/device/code", fake.deviceCodeFields())
            #expect(response.status == 200)
            #expect(response.json?["verification_uri"] == nil)
            #expect(response.json?["verification_uri_complete"] == nil)
            #expect(response.string("user_code") != nil)
        }
    }

    @Test("multipart/form-data is accepted like urlencoded")
    func multipartAccepted() async throws {
        try await withFakeProvider { fake in
            let response = try await fake.postMultipart("/v2/auth/device/code", fake.deviceCodeFields())
            #expect(response.status == 200)
            #expect(response.string("user_code")?.count == 6)
        }
    }

    @Test("Live codes never share a user code")
    func userCodesAreUnique() async throws {
        try await withFakeProvider { fake in
            var seen = Set<String>()
            for _ in 0..<50 { seen.insert(try await fake.requestDeviceCode().userCode) }
            #expect(seen.count == 50)
        }
    }

    @Test("A JSON body is invalid_request")
    func jsonBodyRejected() async throws {
        try await withFakeProvider { fake in
            let response = try await fake.postJSON("/v2/auth/device/code",
                #"{"client_id": "a", "client_secret": "\#(fake.secret)", "scope": "asset_create offline"}"#)
            #expect(response.status == 400)
            #expect(response.oauthError == "invalid_request")
            #expect(try await fake.stats().rejectedRequests == 1)
            #expect(try await fake.stats().deviceCodes == 0)
        }
    }

    @Test("A wrong client_secret is invalid_client")
    func wrongSecret() async throws {
        try await withFakeProvider { fake in
            let response = try await fake.postForm("/v2/auth/device/code", [
                ("client_id", FakeHarness.clientID), ("client_secret", "not-the-secret"), ("scope", "asset_create offline"),
            ])
            #expect(response.status == 400)
            #expect(response.oauthError == "invalid_client")
        }
    }

    @Test("Missing fields are invalid_request", arguments: ["client_id", "client_secret", "scope"])
    func missingField(_ missing: String) async throws {
        try await withFakeProvider { fake in
            let fields = fake.deviceCodeFields().filter { $0.0 != missing }
            let response = try await fake.postForm("/v2/auth/device/code", fields)
            #expect(response.status == 400)
            #expect(response.oauthError == "invalid_request")
        }
    }

    @Test("An unknown scope is invalid_scope")
    func unknownScope() async throws {
        try await withFakeProvider { fake in
            let response = try await fake.postForm("/v2/auth/device/code", fake.deviceCodeFields(scope: "asset_create admin"))
            #expect(response.oauthError == "invalid_scope")
        }
    }

    @Test("Repeated parameters, bad encodings and other content types are invalid_request",
          arguments: [
              ("application/x-www-form-urlencoded", "client_id=a&client_id=b&client_secret=fake-c2c-client-secret&scope=offline"),
              ("application/x-www-form-urlencoded", "client_id=a%zz&client_secret=fake-c2c-client-secret&scope=offline"),
              ("text/plain", "client_id=a&client_secret=fake-c2c-client-secret&scope=offline"),
              ("multipart/form-data", "--x\r\nContent-Disposition: form-data; name=\"client_id\"\r\n\r\na\r\n--x--"),
              ("multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"client_id\"\r\n\r\na"),
          ])
    func malformedBodies(_ contentType: String, _ body: String) async throws {
        try await withFakeProvider { fake in
            let response = try await fake.send(.POST, "/v2/auth/device/code",
                                               headers: FakeHarness.defaultHeaders + [("content-type", contentType)],
                                               body: Array(body.utf8))
            #expect(response.status == 400)
            #expect(response.oauthError == "invalid_request")
        }
    }

    @Test("Calls without x-client-version are counted, as the real server defaults them to 0.0.0")
    func missingClientVersionCounted() async throws {
        try await withFakeProvider { fake in
            _ = try await fake.postForm("/v2/auth/device/code", fake.deviceCodeFields(), headers: [])
            _ = try await fake.postForm("/v2/auth/device/code", fake.deviceCodeFields())
            #expect(try await fake.stats().requestsWithoutClientVersion == 1)
        }
    }
}

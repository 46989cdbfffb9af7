// SPDX-License-Identifier: Apache-2.0
@testable import OAuthProvider
import DeviceAuthConfig
import Foundation
import Testing

/// Where the client's credentials go on a form request, for each method.
@Suite("Client authentication")
struct ClientAuthenticationTests {
    let credentials = ClientCredentials(clientID: "cam:01 é", clientSecret: "s3cr+t %/")

    func call(_ method: ClientAuthentication) -> HTTPCall {
        var profile = ProviderDialect.frameioC2C.profile(baseURL: "https://auth.example.test")
        profile.clientAuthentication = method
        return FormRequest.call(profile, url: "https://auth.example.test/token", credentials: credentials, fields: [("grant_type", "refresh_token"), ("refresh_token", "RT 1")])
    }

    func body(_ call: HTTPCall) -> String { String(decoding: call.body ?? [], as: UTF8.self) }
    func authorization(_ call: HTTPCall) -> String? { call.headers.first { $0.0 == "authorization" }?.1 }

    @Test("client_secret_post: id and secret lead the form, no Authorization header")
    func post() {
        let request = call(.clientSecretPost)
        #expect(body(request) == "client_id=cam%3A01+%C3%A9&client_secret=s3cr%2Bt+%25%2F&grant_type=refresh_token&refresh_token=RT+1")
        #expect(authorization(request) == nil)
        #expect(request.headers.contains { $0 == ("content-type", "application/x-www-form-urlencoded") })
    }

    @Test("client_secret_basic: RFC 6749 §2.3.1, each part form-encoded, then base64; the id in the form too (oauthlib requires it), never the secret")
    func basic() throws {
        let request = call(.clientSecretBasic)
        #expect(body(request) == "client_id=cam%3A01+%C3%A9&grant_type=refresh_token&refresh_token=RT+1")
        let header = try #require(authorization(request))
        #expect(header.hasPrefix("Basic "))
        let decoded = String(decoding: try #require(Data(base64Encoded: String(header.dropFirst(6)))), as: UTF8.self)
        #expect(decoded == "cam%3A01+%C3%A9:s3cr%2Bt+%25%2F")
    }

    @Test("none: a public client sends its id in the form and no secret anywhere")
    func publicClient() {
        let request = call(.none)
        #expect(body(request) == "client_id=cam%3A01+%C3%A9&grant_type=refresh_token&refresh_token=RT+1")
        #expect(authorization(request) == nil)
        #expect(!body(request).contains("s3cr"))
    }

    @Test("CameraManager: Basic holds the camera model's API key and the form only the fields its guide lists")
    func cameraManager() throws {
        let profile = ProviderDialect.cameraManager.profile(baseURL: "https://cm.example.test")
        let request = FormRequest.call(profile, url: "https://cm.example.test/oauth/token", credentials: credentials,
                                       fields: [("grant_type", "refresh_token"), ("scope", "write"), ("refresh_token", "RT 1")])
        #expect(body(request) == "grant_type=refresh_token&scope=write&refresh_token=RT+1")
        #expect(authorization(request)?.hasPrefix("Basic ") == true)
    }
}

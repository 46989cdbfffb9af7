// SPDX-License-Identifier: Apache-2.0
import Crypto
import FakeProvider
import Foundation

/// The device side of the protocol, spelled once for every test that needs to get somewhere.
extension FakeHarness {
    public struct DeviceCode {
        public let deviceCode: String
        public let userCode: String
        public let interval: Int
        public let expiresIn: Int

        public init(deviceCode: String, userCode: String, interval: Int, expiresIn: Int) {
            self.deviceCode = deviceCode
            self.userCode = userCode
            self.interval = interval
            self.expiresIn = expiresIn
        }
    }

    public struct TokenPair {
        public let access: String
        public let refresh: String?
    }

    public func deviceCodeFields(scope: String = "asset_create offline") -> [(String, String)] {
        [("client_id", Self.clientID), ("client_secret", secret), ("scope", scope)]
    }

    public func requestDeviceCode(scope: String = "asset_create offline", qrPairing: Bool = true) async throws -> DeviceCode {
        let headers = Self.defaultHeaders + (qrPairing ? [("x-client-platypus-enabled", "true")] : [])
        let response = try await postForm("/v2/auth/device/code", deviceCodeFields(scope: scope), headers: headers)
        guard response.status == 200, let deviceCode = response.string("device_code"), let userCode = response.string("user_code"),
              let interval = response.int("interval"), let expiresIn = response.int("expires_in")
        else { throw HarnessError.unexpectedReply(response.status, response.text) }
        return DeviceCode(deviceCode: deviceCode, userCode: userCode, interval: interval, expiresIn: expiresIn)
    }

    public func poll(_ code: DeviceCode, clientID: String = clientID, secret: String? = nil) async throws -> TestResponse {
        var fields = [("client_id", clientID), ("device_code", code.deviceCode),
                      ("grant_type", "urn:ietf:params:oauth:grant-type:device_code")]
        fields.append(("client_secret", secret ?? self.secret))
        return try await postForm("/v2/auth/token", fields)
    }

    public func refresh(_ refreshToken: String, clientID: String = clientID, timeoutSeconds: Int64 = 10) async throws -> TestResponse {
        try await postForm("/v2/auth/token", [
            ("client_id", clientID), ("client_secret", secret),
            ("grant_type", "refresh_token"), ("refresh_token", refreshToken),
        ], timeout: .seconds(timeoutSeconds))
    }

    public func revoke(_ token: String) async throws -> TestResponse {
        try await postForm("/v2/auth/revoke", [("client_id", Self.clientID), ("client_secret", secret), ("token", token)])
    }

    /// A whole pairing: code, approval by the control API, one poll after the interval.
    public func pair(scope: String = "asset_create offline") async throws -> TokenPair {
        let code = try await requestDeviceCode(scope: scope)
        try await control("approve", #"{"user_code": "\#(code.userCode)"}"#)
        clock.advance(by: Double(code.interval))
        let response = try await poll(code)
        guard response.status == 200, let access = response.string("access_token")
        else { throw HarnessError.unexpectedReply(response.status, response.text) }
        return TokenPair(access: access, refresh: response.string("refresh_token"))
    }

    /// A grant made at the standard endpoints by one of the fake's clients, each
    /// authenticated its own way: a companion app's login (authorization code with
    /// PKCE, approved on the consent page), as far as the daemon can tell; its refresh
    /// token. No polling interval to wait out, so no real time passes.
    public func pairStandard(client: String, scope: String) async throws -> String {
        var headers = Self.defaultHeaders, credentials = [("client_id", client)]
        switch client {
        case "basic-client":
            headers.append(("authorization", "Basic " + Data("\(client):\(formEncode([("", secret)]).dropFirst())".utf8).base64EncodedString()))
        case "post-client": credentials.append(("client_secret", secret))
        default: break
        }
        let verifier = (0..<4).map { _ in UUID().uuidString }.joined(), redirect = "http://127.0.0.1:9/callback"
        let challenge = Data(SHA256.hash(data: Data(verifier.utf8))).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        let query = formEncode([("client_id", client), ("redirect_uri", redirect), ("response_type", "code"), ("scope", scope),
                                ("state", "companion"), ("code_challenge", challenge), ("code_challenge_method", "S256")])
        let consent = try await send(.GET, "/oauth2/authorize?" + query, headers: Self.defaultHeaders)
        guard consent.status == 200, let login = consent.text.firstMatch(of: /name="login" value="([^"]+)"/)?.1
        else { throw HarnessError.unexpectedReply(consent.status, consent.text) }
        // The approval redirects to the app's loopback redirect URI: read, not followed.
        let decision = try await sendWithoutRedirects(.POST, "/oauth2/authorize/decision",
                                                      headers: Self.defaultHeaders + [("content-type", "application/x-www-form-urlencoded")],
                                                      body: Array(formEncode([("login", String(login)), ("decision", "approve")]).utf8))
        guard decision.status == 302, let location = decision.header("location"),
              let code = URLComponents(string: location)?.queryItems?.first(where: { $0.name == "code" })?.value
        else { throw HarnessError.unexpectedReply(decision.status, decision.text) }
        let tokens = try await postForm("/oauth2/token", [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirect),
                                                           ("code_verifier", verifier)] + credentials, headers: headers)
        guard tokens.status == 200, let refresh = tokens.string("refresh_token") else { throw HarnessError.unexpectedReply(tokens.status, tokens.text) }
        return refresh
    }
}

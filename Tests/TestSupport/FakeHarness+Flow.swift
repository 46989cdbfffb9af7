// SPDX-License-Identifier: Apache-2.0
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
    /// authenticated its own way (a companion app's login, as far as the daemon can
    /// tell); its refresh token. Real-time fakes only.
    public func pairStandard(client: String, scope: String) async throws -> String {
        var headers = Self.defaultHeaders, credentials = [("client_id", client)]
        switch client {
        case "basic-client":
            headers.append(("authorization", "Basic " + Data("\(client):\(formEncode([("", secret)]).dropFirst())".utf8).base64EncodedString()))
        case "post-client": credentials.append(("client_secret", secret))
        default: break
        }
        func postForm(_ path: String, _ fields: [(String, String)]) async throws -> TestResponse {
            try await self.postForm(path, fields + credentials, headers: headers)
        }
        let code = try await postForm("/oauth2/device_authorization", [("scope", scope)])
        guard code.status == 200, let deviceCode = code.string("device_code"), let userCode = code.string("user_code"),
              let interval = code.int("interval")
        else { throw HarnessError.unexpectedReply(code.status, code.text) }
        try await control("approve", #"{"user_code": "\#(userCode)"}"#)
        try await Task.sleep(for: .milliseconds(interval * 1000 + 100))
        let tokens = try await postForm("/oauth2/token", [("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
                                                           ("device_code", deviceCode)])
        guard tokens.status == 200, let refresh = tokens.string("refresh_token") else { throw HarnessError.unexpectedReply(tokens.status, tokens.text) }
        return refresh
    }
}

// SPDX-License-Identifier: Apache-2.0
import Primitives

/// RFC 8628 §3.1–3.2: ask for a device code and a user code.
package enum DeviceAuthorization {
    struct Response: Decodable {
        let deviceCode: String
        let userCode: String
        let verificationURI: String?
        let verificationURIComplete: String?
        let expiresIn: Double
        let interval: Double?

        enum CodingKeys: String, CodingKey {
            case deviceCode = "device_code", userCode = "user_code", verificationURI = "verification_uri"
            case verificationURIComplete = "verification_uri_complete", expiresIn = "expires_in", interval
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            deviceCode = try container.decodeOpaque(.deviceCode)
            userCode = try container.decodeOpaque(.userCode, maxLength: 32)
            verificationURI = try Self.url(container, .verificationURI)
            verificationURIComplete = try Self.url(container, .verificationURIComplete)
            guard let expiresIn = try container.decodeSeconds(.expiresIn, in: 1...86_400) else {
                throw ValidationFailure("field expires_in missing")
            }
            self.expiresIn = expiresIn
            interval = try container.decodeSeconds(.interval, in: 0...3600)
        }

        /// Null, absent or an http(s) URL; we draw it as a QR code and print it, so nothing else.
        static func url(_ container: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) throws -> String? {
            guard let value = try container.decodeIfPresent(String.self, forKey: key) else { return nil }
            guard value.hasPrefix("https://") || value.hasPrefix("http://"), value.utf8.count <= 2048,
                  value.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F })
            else { throw ValidationFailure("field \(key.stringValue) is not a usable URL") }
            return value
        }
    }

    package static func request(
        _ transport: any HTTPTransport, profile: ProviderProfile, url: String, credentials: ClientCredentials,
        scope: String?, qrPairing: Bool, now: Moment
    ) async throws(OAuthFailure) -> DeviceCodeSession {
        let qrHeaders = qrPairing ? profile.qrPairingHeader.map { [$0] } ?? [] : []
        let answer = try await transport.perform(FormRequest.call(profile, url: url, credentials: credentials,
                                                                  fields: scope.map { [("scope", $0)] } ?? [], extraHeaders: qrHeaders))
        let response = try OAuthAnswer.decode(Response.self, from: answer)
        // RFC 8628 §3.5: 5 s when the server says nothing; never faster than 1 s, whatever it says.
        let interval = max(1, response.interval ?? 5)
        return DeviceCodeSession(
            deviceCode: response.deviceCode, userCode: response.userCode,
            verificationURI: response.verificationURI, verificationURIComplete: response.verificationURIComplete,
            issuedAt: now.wall, expiresAt: now.wall.addingTimeInterval(response.expiresIn), issuedBoot: now.boot, interval: interval)
    }
}

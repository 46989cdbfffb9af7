// SPDX-License-Identifier: Apache-2.0
import Primitives

/// One login in progress (RFC 6749 §4.1 with RFC 7636 PKCE and RFC 8252's loopback
/// redirect): what the daemon keeps between handing out the URL and getting the code
/// back. The verifier never leaves the daemon; only its S256 challenge is in the URL.
public struct LoginRequest: Sendable, Equatable {
    /// Binds the redirect to this login (RFC 6749 §10.12): a redirect with another state is refused.
    public let state: String
    public let verifier: String
    public let redirectURI: String

    public init(state: String, verifier: String, redirectURI: String) {
        self.state = state
        self.verifier = verifier
        self.redirectURI = redirectURI
    }

    /// Fresh `state` and verifier: 32 random bytes each, base64url (43 characters, RFC 7636 §4.1).
    public static func make(redirectURI: String) -> LoginRequest {
        LoginRequest(state: Base64URL.random(bytes: 32), verifier: Base64URL.random(bytes: 32), redirectURI: redirectURI)
    }

    /// RFC 7636 §4.2: BASE64URL(SHA256(ASCII(code_verifier))).
    public var challenge: String { Base64URL.encode(SHA256.hash(Array(verifier.utf8))) }
}

/// base64url without padding (RFC 4648 §5), as PKCE and `state` use it.
public enum Base64URL {
    public static func encode(_ bytes: [UInt8]) -> String { Base64.encodeURLSafe(bytes) }

    static func random(bytes count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return encode((0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }
}

/// RFC 6749 §4.1: the authorization request a person opens, and the code exchange.
enum AuthorizationCodeGrant {
    static func authorizationURL(_ endpoint: String, clientID: String, scope: String?, request: LoginRequest) -> String {
        var fields = [("response_type", "code"), ("client_id", clientID), ("redirect_uri", request.redirectURI)]
        if let scope { fields.append(("scope", scope)) }
        fields += [("state", request.state), ("code_challenge", request.challenge), ("code_challenge_method", "S256")]
        // The endpoint may carry a query of its own (RFC 6749 §3.1 says to keep it).
        let separator = endpoint.contains("?") ? "&" : "?"
        return endpoint + separator + String(decoding: FormEncoding.encode(fields), as: UTF8.self)
    }

    static func exchange(
        _ transport: any HTTPTransport, profile: ProviderProfile, url: String, credentials: ClientCredentials,
        code: String, request: LoginRequest, scope: String?, now: Moment
    ) async throws(OAuthFailure) -> Grant {
        let fields = [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", request.redirectURI),
                      ("code_verifier", request.verifier)]
        let answer = try await transport.perform(FormRequest.call(profile, url: url, credentials: credentials, fields: fields))
        do {
            return try OAuthAnswer.decode(TokenResponse.self, from: answer).grant(requestedAt: now, requestedScope: scope ?? "")
        } catch {
            throw profile.classifier.codeExchange(error)
        }
    }
}

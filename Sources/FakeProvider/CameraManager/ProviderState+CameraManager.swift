// SPDX-License-Identifier: Apache-2.0
import Foundation

/// CameraManager's tokens (RFC 6749 §4.3 password grant): the API key in Basic,
/// tokens shaped `<uuid>:<n>`, a refresh token that never rotates and "works
/// until the user logs out", and the logout that deletes both tokens.
extension ProviderState {
    /// `POST /oauth/token` with `grant_type=password`, the client already authenticated.
    func passwordLogin(clientID: String, form: [String: String]) -> CameraManagerOutcome {
        guard let username = form["username"], let password = form["password"], !username.isEmpty else {
            return .error(.invalidRequest, "Missing username or password")
        }
        // Every user's password is compared in full, so timing says nothing about which part was wrong.
        let known = configuration.users[username]
        guard FakeSecret.matches(password, known ?? "\u{0}never"), known != nil else {
            counters.passwordFailures += 1
            return .error(.invalidGrant, "Bad credentials")
        }
        let now = clock.now()
        let id = UUID().uuidString.lowercased()
        let scopes = Set((form["scope"] ?? "write").split(separator: " ").map(String.init))
        let lifetime = Double(configuration.cameraManagerTokenLifetime)
        var auth = Authorization(id: id, clientID: clientID, scopes: scopes, createdAt: now,
                                 accessToken: Self.cameraManagerToken(), accessExpiresAt: now.addingTimeInterval(lifetime),
                                 refreshToken: Self.cameraManagerToken(), refreshExpiresAt: .distantFuture)
        auth.username = username
        authorizations[id] = auth
        authorizationByAccessToken[auth.accessToken] = id
        if let refresh = auth.refreshToken { authorizationByRefreshToken[refresh] = id }
        counters.passwordLogins += 1
        counters.tokensIssued += 1
        // Never the password, nor the email: the log says which authorization, no more.
        logger.info("password login", metadata: ["authorization": "\(id)"])
        return .issued(tokens(auth))
    }

    /// `grant_type=refresh_token`: a new access token, the same refresh token.
    func cameraManagerRefresh(clientID: String, form: [String: String]) -> CameraManagerOutcome {
        guard let presented = form["refresh_token"] else { return .error(.invalidRequest, "Missing refresh_token") }
        guard let id = authorizationByRefreshToken[presented], var auth = authorizations[id], auth.clientID == clientID, !auth.revoked else {
            return .unauthorized("Invalid refresh token: the user logged out or changed the password")
        }
        let now = clock.now()
        authorizationByAccessToken[auth.accessToken] = nil
        auth.accessToken = Self.cameraManagerToken()
        auth.accessExpiresAt = now.addingTimeInterval(Double(configuration.cameraManagerTokenLifetime))
        authorizations[id] = auth
        authorizationByAccessToken[auth.accessToken] = id
        counters.refreshes += 1
        counters.tokensIssued += 1
        return .issued(tokens(auth))
    }

    /// `DELETE /rest/v2.0/users/self/tokens/current`: both tokens die. False: 401.
    func logout(bearer token: String?) -> Bool {
        guard let token, let id = authorizationByAccessToken[token], let auth = authorizations[id], !auth.revoked,
              clock.now() < auth.accessExpiresAt
        else { return false }
        authorizations[id]?.revoked = true
        counters.logouts += 1
        counters.revocations += 1
        logger.info("logged out", metadata: ["authorization": "\(id)"])
        return true
    }

    private func tokens(_ auth: Authorization) -> CameraManagerTokens {
        CameraManagerTokens(accessToken: auth.accessToken, refreshToken: auth.refreshToken ?? "",
                            expiresIn: configuration.cameraManagerTokenLifetime, scope: auth.scopes.sorted().joined(separator: " "))
    }

    /// The guide's shape: a UUID, a colon, a number.
    static func cameraManagerToken() -> String {
        "\(UUID().uuidString.lowercased()):\(Int.random(in: 1...999_999))"
    }
}

enum CameraManagerOutcome: Sendable {
    case issued(CameraManagerTokens)
    case error(OAuthErrorCode, String)
    /// 401: the token is not (or no longer) valid.
    case unauthorized(String)
}

/// `{"access_token", "token_type": "bearer", "refresh_token", "expires_in", "scope"}`.
struct CameraManagerTokens: Encodable, Sendable {
    let accessToken: String
    let refreshToken: String
    let expiresIn: Int
    let scope: String
    let tokenType = "bearer"

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token", refreshToken = "refresh_token", expiresIn = "expires_in", scope, tokenType = "token_type"
    }
}

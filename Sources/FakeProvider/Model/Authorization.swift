// SPDX-License-Identifier: Apache-2.0
import Foundation

/// One device's grant: the live token pair plus what a real server remembers
/// about it (rotated refresh tokens, revocation).
struct Authorization: Sendable {
    let id: String
    let clientID: String
    let scopes: Set<String>
    let createdAt: Date
    var accessToken: String
    var accessExpiresAt: Date
    /// Absent when `offline` was not in the scope.
    var refreshToken: String?
    var refreshExpiresAt: Date
    var revoked = false
    var lastHeartbeatAt: Date?
    /// The user it was issued to (CameraManager's password grant).
    var username: String? = nil
}

/// The answer to a token request: what the route turns into JSON.
struct IssuedTokens: Sendable, Encodable {
    let accessToken: String
    let expiresIn: Int
    let refreshToken: String?
    let tokenType = "bearer"

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token", expiresIn = "expires_in"
        case refreshToken = "refresh_token", tokenType = "token_type"
    }
}

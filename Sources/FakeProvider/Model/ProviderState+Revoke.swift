// SPDX-License-Identifier: Apache-2.0
enum RevokeOutcome: Sendable {
    case revoked
    case error(OAuthErrorCode)
}

extension ProviderState {
    /// `POST /v2/auth/revoke`. As RFC 7009 §2.2 asks, an unknown or already dead
    /// token is answered 200 too: the client's goal (the token is unusable) holds.
    func revoke(_ form: [String: String]) -> RevokeOutcome {
        guard let clientID = form["client_id"], !clientID.isEmpty,
              let secret = form["client_secret"], let token = form["token"], !token.isEmpty
        else { return .error(.invalidRequest) }
        guard clientSecretMatches(secret) else { return .error(.invalidClient) }

        let id = authorizationByRefreshToken[token] ?? authorizationByAccessToken[token]
        if let id, let auth = authorizations[id], auth.clientID == clientID, !auth.revoked {
            authorizations[id]?.revoked = true
            counters.revocations += 1
            logger.info("authorization revoked", metadata: ["authorization": "\(id)"])
        }
        return .revoked
    }
}

import FoundationEssentials

/// RFC 6749 §6: trade the refresh token for a new pair. With rotating
/// refresh tokens (Frame.io) the presented one is dead once the server answers.
enum RefreshGrant {
    static func refresh(
        _ transport: any HTTPTransport, profile: ProviderProfile, credentials: ClientCredentials,
        grant: Grant, now: Moment
    ) async throws(OAuthFailure) -> Grant {
        guard let refreshToken = grant.refreshToken else { throw .oauth("invalid_grant") }
        let body = FormEncoding.encode([
            ("client_id", credentials.clientID), ("client_secret", credentials.clientSecret),
            ("grant_type", "refresh_token"), ("refresh_token", refreshToken),
        ])
        let headers = profile.commonHeaders + [("content-type", "application/x-www-form-urlencoded")]
        let answer = try await transport.perform(HTTPCall(method: "POST", url: profile.url(profile.tokenPath), headers: headers, body: body))
        return try OAuthAnswer.decode(TokenResponse.self, from: answer)
            .grant(requestedAt: now, requestedScope: grant.scope, previousRefreshToken: refreshToken)
    }
}

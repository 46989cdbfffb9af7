/// RFC 7009 (and Frame.io's `/v2/auth/revoke`): tell the provider to forget
/// the authorization. 200 with or without a body is success.
enum Revocation {
    static func revoke(
        _ transport: any HTTPTransport, profile: ProviderProfile, credentials: ClientCredentials, grant: Grant
    ) async throws(OAuthFailure) {
        // The refresh token revokes the whole authorization; the access token is the fallback.
        let token = grant.refreshToken ?? grant.accessToken
        let body = FormEncoding.encode([
            ("client_id", credentials.clientID), ("client_secret", credentials.clientSecret), ("token", token),
        ])
        let headers = profile.commonHeaders + [("content-type", "application/x-www-form-urlencoded")]
        let answer = try await transport.perform(HTTPCall(method: "POST", url: profile.url(profile.revokePath), headers: headers, body: body))
        try OAuthAnswer.check(answer)
    }
}

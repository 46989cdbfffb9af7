/// RFC 7009 (and Frame.io's `/v2/auth/revoke`): tell the provider to forget
/// the authorization. 200 with or without a body is success.
enum Revocation {
    static func revoke(
        _ transport: any HTTPTransport, profile: ProviderProfile, url: String, credentials: ClientCredentials, grant: Grant
    ) async throws(OAuthFailure) {
        // The refresh token revokes the whole authorization (RFC 7009 §2.1); the access token is the fallback.
        let (token, hint) = grant.refreshToken.map { ($0, "refresh_token") } ?? (grant.accessToken, "access_token")
        let fields = [("token", token)] + (profile.revocationHint ? [("token_type_hint", hint)] : [])
        let answer = try await transport.perform(FormRequest.call(profile, url: url, credentials: credentials, fields: fields))
        try OAuthAnswer.check(answer)
    }
}

/// RFC 7009 (and Frame.io's `/v2/auth/revoke`): tell the provider to forget
/// the authorization. 200 with or without a body is success.
enum Revocation {
    static func revoke(
        _ transport: any HTTPTransport, profile: ProviderProfile, credentials: ClientCredentials, grant: Grant
    ) async throws(OAuthFailure) {
        // The refresh token revokes the whole authorization; the access token is the fallback.
        let token = grant.refreshToken ?? grant.accessToken
        let answer = try await transport.perform(FormRequest.call(profile, path: profile.revokePath, credentials: credentials,
                                                                  fields: [("token", token)]))
        try OAuthAnswer.check(answer)
    }
}

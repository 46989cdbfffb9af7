/// RFC 7009 (and Frame.io's `/v2/auth/revoke`): tell the provider to forget
/// the authorization. 200 with or without a body is success.
enum Revocation {
    static func revoke(
        _ transport: any HTTPTransport, profile: ProviderProfile, url: String, credentials: ClientCredentials, grant: Grant
    ) async throws(OAuthFailure) {
        // The refresh token revokes the whole authorization (RFC 7009 §2.1); the access token is the fallback.
        let (token, hint) = grant.refreshToken.map { ($0, "refresh_token") } ?? (grant.accessToken, "access_token")
        let fields = [("token", token)] + (profile.revocation == .rfc7009(hint: true) ? [("token_type_hint", hint)] : [])
        let answer = try await transport.perform(FormRequest.call(profile, url: url, credentials: credentials, fields: fields))
        try OAuthAnswer.check(answer)
    }

    /// A logout: `DELETE` with the Bearer access token. False when the access token
    /// was not accepted (401): expired, or the authorization is already gone.
    static func logout(_ transport: any HTTPTransport, profile: ProviderProfile, url: String, grant: Grant) async throws(OAuthFailure) -> Bool {
        let answer = try await transport.perform(HTTPCall(method: "DELETE", url: url, headers: FrameIODevice.bearer(profile, grant)))
        if answer.status == 401 { return false }
        try OAuthAnswer.check(answer)
        return true
    }
}

// SPDX-License-Identifier: Apache-2.0
/// RFC 7009 (and Frame.io's `/v2/auth/revoke`): tell the provider to forget
/// the authorization.
///
/// How the answer is read (RFC 7009 §2.2, §2.2.1): any 200 is success, whatever its
/// body and content type (servers send none, `{"success": true}`, or an empty
/// `text/html` page); an unknown or already dead token is answered 200 too, and a server
/// that says `invalid_token` or `invalid_grant` instead has nothing live left either.
/// 503 (with `Retry-After`) means the token still exists: the engine asks again.
/// `unsupported_token_type` and the other errors leave the tokens live at the provider.
enum Revocation {
    static func revoke(
        _ transport: any HTTPTransport, profile: ProviderProfile, url: String, credentials: ClientCredentials, grant: Grant
    ) async throws(OAuthFailure) {
        // The refresh token revokes the whole authorization (RFC 7009 §2.1); the access token is the fallback.
        let (token, hint) = grant.refreshToken.map { ($0, "refresh_token") } ?? (grant.accessToken, "access_token")
        let fields = [("token", token)] + (profile.revocation == .rfc7009(hint: true) ? [("token_type_hint", hint)] : [])
        let answer = try await transport.perform(FormRequest.call(profile, url: url, credentials: credentials, fields: fields))
        do throws(OAuthFailure) {
            try OAuthAnswer.check(answer, body: .ignored)
        } catch {
            if case .refused(let server) = error, alreadyGone.contains(server.code) { return }
            throw error
        }
    }

    /// Errors some servers give for a token they no longer honour, where RFC 7009 says 200.
    static let alreadyGone: Set<String> = ["invalid_token", "invalid_grant"]

    /// A logout: `DELETE` with the Bearer access token. False when the access token
    /// was not accepted (401): expired, or the authorization is already gone.
    static func logout(_ transport: any HTTPTransport, profile: ProviderProfile, url: String, grant: Grant) async throws(OAuthFailure) -> Bool {
        let answer = try await transport.perform(HTTPCall(method: "DELETE", url: url, headers: DeviceAPI.bearer(profile, grant)))
        if answer.status == 401 { return false }
        try OAuthAnswer.check(answer, body: .ignored)
        return true
    }
}

extension OAuthFailure {
    /// Why a revocation failed, in words for the person who unpaired.
    public var revocationReason: String {
        switch self {
        case .refused(let server) where server.code == "unsupported_token_type":
            "the provider does not revoke this kind of token (\(server))"
        case .clientRejected(let server):
            "the provider refused our client credentials (\(server))"
        default:
            "\(self)"
        }
    }
}

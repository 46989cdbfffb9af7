// SPDX-License-Identifier: Apache-2.0
import Primitives
/// RFC 6749 §4.3: the resource owner's password, once, for tokens
/// (CameraManager). The password goes only into the form body of this one
/// request, never a URL; the body is zeroed once sent.
enum PasswordGrant {
    static func login(
        _ transport: any HTTPTransport, profile: ProviderProfile, url: String, credentials: ClientCredentials,
        username: String, password: String, scope: String?, now: Moment
    ) async throws(OAuthFailure) -> Grant {
        var fields = [("grant_type", "password")]
        if let scope { fields.append(("scope", scope)) }
        fields += [("username", username), ("password", password)]
        var call = FormRequest.call(profile, url: url, credentials: credentials, fields: fields)
        // Best effort: our own copy of the encoded password does not outlive the request.
        defer { call.zeroBody() }
        let answer = try await transport.perform(call)
        do {
            var grant = try OAuthAnswer.decode(TokenResponse.self, from: answer).grant(requestedAt: now, requestedScope: scope ?? "")
            grant.account = username
            return grant
        } catch {
            // invalid_grant: the email or password was not accepted.
            throw profile.classifier.codeExchange(error)
        }
    }
}

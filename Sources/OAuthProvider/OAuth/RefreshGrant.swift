// SPDX-License-Identifier: Apache-2.0
import Primitives

/// RFC 6749 §6: trade the refresh token for a new pair. With rotating
/// refresh tokens (Frame.io) the presented one is dead once the server answers.
package enum RefreshGrant {
    package static func refresh(
        _ transport: any HTTPTransport, profile: ProviderProfile, url: String, credentials: ClientCredentials,
        grant: Grant, now: Moment
    ) async throws(OAuthFailure) -> Grant {
        guard let refreshToken = grant.refreshToken else { throw .grantGone(ServerError("invalid_grant", text: "no refresh token is held")) }
        // The web-app dialect names the scope again (docs/providers.md §2); the grant's own
        // scope, so a refresh never asks for more than was granted (RFC 6749 §6).
        let scope = profile.refreshSendsScope && !grant.scope.isEmpty ? [("scope", grant.scope)] : []
        let answer = try await transport.perform(FormRequest.call(profile, url: url, credentials: credentials,
                                                                  fields: [("grant_type", "refresh_token")] + scope + [("refresh_token", refreshToken)]))
        do {
            var refreshed = try OAuthAnswer.decode(TokenResponse.self, from: answer)
                .grant(requestedAt: now, requestedScope: grant.scope, previousRefreshToken: refreshToken)
            refreshed.account = grant.account
            return refreshed
        } catch {
            throw profile.classifier.refresh(error)
        }
    }
}

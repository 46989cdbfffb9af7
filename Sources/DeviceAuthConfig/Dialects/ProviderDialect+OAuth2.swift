// SPDX-License-Identifier: Apache-2.0
import OAuthProvider

/// The OAuth 2.0 web-app client (docs/providers.md §2): first tokens from an
/// authorization-code grant with PKCE (or an imported refresh token) through
/// `deviceauthctl login`, then the refresh grant with `scope`, Basic or PKCE (`none`).
extension ProviderDialect {
    public static let oauth2 = ProviderDialect(
        name: "oauth2", title: "an OAuth 2.0 web-app client", login: .browser,
        endpoints: .standard(keys: ["TokenEndpoint", "RevocationEndpoint", "AuthorizationEndpoint"],
                             required: ["TokenEndpoint"], needs: []),
        otherKeys: ["RedirectURI"],
        defaultClientAuthentication: .clientSecretBasic, defaultScope: nil, offlineScopes: ["offline", "offline_access"],
        clientIDNeeded: "the client id registered at the authorization server", apiAtBaseURL: false
    ) { settings in
        var profile = ProviderProfile(endpoints: settings.endpoints)
        profile.clientAuthentication = settings.clientAuthentication
        profile.refreshSendsScope = true
        return profile
    }
}

// SPDX-License-Identifier: Apache-2.0
import OAuthProvider

/// Any RFC 8628 authorization server (Keycloak, Auth0, Okta, Entra ID…;
/// docs/providers.md §4): standard names and errors, endpoints given or discovered.
extension ProviderDialect {
    public static let oauth2Device = ProviderDialect(
        name: "oauth2-device", title: "any RFC 8628 authorization server", login: .deviceCode,
        endpoints: .standard(keys: ["DeviceAuthorizationEndpoint", "TokenEndpoint", "RevocationEndpoint"],
                             required: ["DeviceAuthorizationEndpoint", "TokenEndpoint"], needs: [.deviceAuthorization]),
        otherKeys: [],
        defaultClientAuthentication: .clientSecretBasic, defaultScope: nil, offlineScopes: ["offline", "offline_access"],
        clientIDNeeded: "the client id registered at the authorization server", apiAtBaseURL: false
    ) { settings in
        var profile = ProviderProfile(endpoints: settings.endpoints)
        profile.clientAuthentication = settings.clientAuthentication
        return profile
    }
}

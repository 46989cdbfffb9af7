// SPDX-License-Identifier: Apache-2.0
import OAuthProvider

/// CameraManager (docs/providers.md §3): a password login once, with the camera
/// model's API key in Basic; a refresh token that does not rotate; a logout that
/// deletes both tokens.
extension ProviderDialect {
    public static let cameraManager = ProviderDialect(
        name: "cameramanager", title: "CameraManager", login: .password,
        endpoints: .baseURL(default: "https://rest.cameramanager.com"), otherKeys: [],
        defaultClientAuthentication: .clientSecretBasic, defaultScope: "write", offlineScopes: [],
        clientIDNeeded: "the id of the camera model's API key (its secret goes in the client secret file)", apiAtBaseURL: true
    ) { settings in
        var profile = ProviderProfile(endpoints: FixedEndpoints(ProviderEndpoints(token: settings.baseURL + "/oauth/token")))
        profile.clientAuthentication = settings.clientAuthentication
        // Its Basic credentials are the camera model's API key, not an OAuth client, and its
        // guide lists every form field: no client_id.
        profile.clientIDInForm = false
        profile.refreshSendsScope = true
        profile.revocation = .bearerDelete(url: settings.baseURL + "/rest/v2.0/users/self/tokens/current")
        return profile
    }
}

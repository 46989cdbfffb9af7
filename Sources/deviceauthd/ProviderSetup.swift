// SPDX-License-Identifier: Apache-2.0
import Primitives
import DeviceAuth

/// The dialect the configuration asks for, with its endpoints: fixed (Frame.io),
/// given in the config, or discovered from `Issuer=` and cached in the state directory.
extension DaemonSetup {
    /// Where discovered metadata is kept between starts.
    var metadataCachePath: String { stateDirectory + "/provider-metadata.json" }

    func endpointSource(transport: any HTTPTransport) -> any EndpointSource {
        let configuration = configuration
        if let issuer = configuration.issuer {
            return DiscoveredEndpoints(issuer: issuer, needs: discoveryNeeds, transport: transport, cachePath: metadataCachePath)
        }
        return FixedEndpoints(ProviderEndpoints(
            deviceAuthorization: configuration.deviceAuthorizationEndpoint, token: configuration.tokenEndpoint ?? "",
            revocation: configuration.revocationEndpoint, authorization: configuration.authorizationEndpoint))
    }

    /// What the issuer's metadata must name beyond the token endpoint.
    var discoveryNeeds: [ProviderEndpoints.Need] {
        configuration.providerType == .oauth2Device ? [.deviceAuthorization] : []
    }

    func profile(endpoints: any EndpointSource) -> ProviderProfile {
        let authentication = configuration.effectiveClientAuthentication
        var profile: ProviderProfile = switch configuration.providerType {
        case .frameioC2C: .frameioC2C(baseURL: configuration.effectiveBaseURL)
        case .cameraManager: .cameraManager(baseURL: configuration.effectiveBaseURL)
        case .oauth2Device: .oauth2Device(endpoints: endpoints, clientAuthentication: authentication)
        case .oauth2: .oauth2(endpoints: endpoints, clientAuthentication: authentication)
        }
        // ClientAuthentication= applies to Frame.io too (its default is client_secret_post).
        profile.clientAuthentication = authentication
        return profile
    }

    /// Where the provider is, in words for the start-up line.
    var providerWords: String {
        switch configuration.providerType {
        case .frameioC2C, .cameraManager: "\(configuration.providerType.rawValue) at \(configuration.effectiveBaseURL)"
        default: "\(configuration.providerType.rawValue) at \(configuration.issuer ?? configuration.tokenEndpoint ?? "?")"
        }
    }

    /// What the start-up should warn of: settings that work but will disappoint.
    var warnings: [String] {
        var warnings: [String] = []
        let scopes = Set((configuration.effectiveScope ?? "").split(separator: " ").map(String.init))
        warnings += configuration.ignoredSettings
        if let trust {
            for certificate in trust.expired(at: WallTime()) {
                warnings.append("CAFile=\(trust.path): the certificate of \(certificate.subject) expired on \(certificate.notAfter); nothing it signed is trusted")
            }
        }
        if [.oauth2Device, .oauth2].contains(configuration.providerType), scopes.isDisjoint(with: ["offline", "offline_access"]) {
            warnings.append("Scope= has neither offline nor offline_access: the server may give no refresh token, and the device must log in again each time the access token expires")
        }
        return warnings
    }
}

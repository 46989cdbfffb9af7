// SPDX-License-Identifier: Apache-2.0
import Primitives
import OAuthProvider
import DeviceAuthConfig

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
    var discoveryNeeds: [ProviderEndpoints.Need] { configuration.dialect.discoveryNeeds }

    func profile(endpoints: any EndpointSource) -> ProviderProfile {
        configuration.dialect.profile(ProviderDialect.Settings(
            baseURL: configuration.effectiveBaseURL, endpoints: endpoints, clientAuthentication: configuration.effectiveClientAuthentication))
    }

    /// Where the provider is, in words for the start-up line.
    var providerWords: String {
        let dialect = configuration.dialect
        return switch dialect.endpoints {
        case .baseURL: "\(dialect.name) at \(configuration.effectiveBaseURL)"
        case .standard: "\(dialect.name) at \(configuration.issuer ?? configuration.tokenEndpoint ?? "?")"
        }
    }

    /// What the start-up should warn of: settings that work but will disappoint.
    var warnings: [String] {
        var warnings = configuration.ignoredSettings + configuration.scopeWarnings
        if let trust {
            for certificate in trust.expired(at: WallTime()) {
                warnings.append("CAFile=\(trust.path): the certificate of \(certificate.subject) expired on \(certificate.notAfter); nothing it signed is trusted")
            }
        }
        return warnings
    }
}

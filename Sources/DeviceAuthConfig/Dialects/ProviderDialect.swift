// SPDX-License-Identifier: Apache-2.0
import OAuthProvider

/// A provider dialect: everything `Type=NAME` means, declared once, in one file
/// per dialect (`ProviderDialect+*.swift`), registered in `ProviderDialect.all`.
/// The configuration's parsing and validation, the engine's `ProviderProfile`,
/// the start-up line and warnings, the fuzz targets, and (held together by tests)
/// the example configs, deviceauthd.conf(5) and docs/providers.md follow from it.
/// docs/architecture.md ("Adding a provider dialect") walks through adding one.
public struct ProviderDialect: Sendable, Equatable, CustomStringConvertible {
    /// The `Type=` value.
    public let name: String
    /// Who speaks it, for people: deviceauthd.conf(5) and docs/providers.md's heading.
    public let title: String
    /// How the first tokens come.
    public let login: DaemonConfiguration.LoginMethod
    /// Where its endpoints come from, and so which [Provider] keys it takes.
    public let endpoints: Endpoints
    /// [Provider] keys it takes besides its endpoints' and those every dialect takes.
    public let otherKeys: [String]
    /// `ClientAuthentication=` when the config says nothing.
    public let defaultClientAuthentication: ClientAuthentication
    /// `Scope=` when the config says nothing.
    public let defaultScope: String?
    /// The scopes that ask for a refresh token; a `Scope=` with none of them is warned of.
    /// Empty: the dialect gives refresh tokens whatever the scope.
    public let offlineScopes: [String]
    /// Why `ClientID=` must be given; nil: an empty one is derived per device.
    public let clientIDNeeded: String?
    /// The API the tokens are for is at `BaseURL=`'s origin (the forwarder's upstream);
    /// false: only `[Forwarder] Upstream=` can say where it is.
    public let apiAtBaseURL: Bool
    /// The engine's data for this dialect.
    public let profile: @Sendable (Settings) -> ProviderProfile

    public enum Endpoints: Sendable {
        /// Fixed paths under `BaseURL=` (the dialect's default when unset).
        case baseURL(default: String)
        /// A standard authorization server: `Issuer=` (RFC 8414 discovery, needing the
        /// endpoints `needs` names) or the endpoint keys, of which `required` must be given.
        case standard(keys: [String], required: [String], needs: [ProviderEndpoints.Need])
    }

    /// What the configuration and the daemon's wiring hand the dialect's profile.
    public struct Settings: Sendable {
        /// `BaseURL=`, or the dialect's default (`.baseURL` dialects).
        public var baseURL: String
        /// From `Issuer=` or the endpoint keys (`.standard` dialects).
        public var endpoints: any EndpointSource
        public var clientAuthentication: ClientAuthentication

        public init(baseURL: String, endpoints: any EndpointSource, clientAuthentication: ClientAuthentication) {
            self.baseURL = baseURL
            self.endpoints = endpoints
            self.clientAuthentication = clientAuthentication
        }
    }

    public var description: String { name }
    public static func == (a: ProviderDialect, b: ProviderDialect) -> Bool { a.name == b.name }

    /// The [Provider] keys that belong to this dialect (no other dialect-specific key may be set).
    public var keys: [String] {
        switch endpoints {
        case .baseURL: ["BaseURL"] + otherKeys
        case .standard(let keys, _, _): ["Issuer"] + keys + otherKeys
        }
    }

    /// `BaseURL=`'s default, for `.baseURL` dialects.
    public var defaultBaseURL: String? {
        if case .baseURL(let url) = endpoints { url } else { nil }
    }

    /// What `Issuer=`'s metadata must name beyond the token endpoint.
    public var discoveryNeeds: [ProviderEndpoints.Need] {
        if case .standard(_, _, let needs) = endpoints { needs } else { [] }
    }

    /// The profile with `endpoints` for a standard dialect, or `baseURL`, and the dialect's
    /// own client authentication unless one is given (tests, fuzzing).
    public func profile(baseURL: String? = nil, endpoints: ProviderEndpoints = ProviderEndpoints(token: ""),
                        clientAuthentication: ClientAuthentication? = nil) -> ProviderProfile {
        profile(Settings(baseURL: baseURL ?? defaultBaseURL ?? "", endpoints: FixedEndpoints(endpoints),
                         clientAuthentication: clientAuthentication ?? defaultClientAuthentication))
    }
}

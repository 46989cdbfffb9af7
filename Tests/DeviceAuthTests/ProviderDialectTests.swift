// SPDX-License-Identifier: Apache-2.0
import Primitives
import CurlHTTP
@testable import DeviceAuthConfig
@testable import OAuthProvider
import FakeProvider
import TestSupport
import Testing

/// `ProviderDialect.all` is the one list of dialects: the configuration's keys,
/// validation and the fake provider follow it. (The shipped configs, the man page
/// and docs/providers.md are held to it by SystemTests' ShippedFilesTests and ManualTests.)
@Suite("Provider dialects table")
struct ProviderDialectTests {
    static let names = ProviderDialect.all.map(\.name)
    static let providerKeys = ConfigKey.all.filter { $0.section == "Provider" }.map(\.key)

    static func fakeLines(_ name: String, _ baseURL: String) throws -> String {
        try #require(FakeProvider.dialects.first { $0.name == name }).providerLines(baseURL)
    }

    @Test("Names are unique, Type= takes exactly them, the first is the default, and the fake serves each")
    func table() throws {
        #expect(Set(Self.names).count == Self.names.count)
        #expect(DaemonConfiguration().dialect == ProviderDialect.all[0])
        #expect(FakeProvider.dialects.map(\.name).sorted() == Self.names.sorted())
        for name in Self.names {
            #expect(try DaemonConfiguration.parse(try Self.fakeLines(name, "http://127.0.0.1:9").prefixed("[Provider]\n"), file: "f.conf").dialect.name == name)
        }
        #expect(throws: ConfigError.invalid(file: "t.conf", line: 2, message: "Type= must be one of " + Self.names.joined(separator: ", ") + ", not \"oidc\"")) {
            try DaemonConfiguration.parse("[Provider]\nType=oidc\n", file: "t.conf")
        }
    }

    @Test("Every key a dialect names is a [Provider] key; a [Provider] key no dialect names is one every dialect takes")
    func keys() {
        for dialect in ProviderDialect.all {
            #expect(Set(dialect.keys).subtracting(Self.providerKeys).isEmpty, "\(dialect.name) names keys that are not [Provider] keys")
            if case .standard(let keys, let required, _) = dialect.endpoints {
                #expect(Set(required).isSubset(of: keys) && keys.allSatisfy { $0.hasSuffix("Endpoint") })
            }
        }
        // The keys no dialect owns: nothing in validation refuses them for any dialect.
        let common = Set(Self.providerKeys).subtracting(ProviderDialect.dialectKeys)
        #expect(common == ["Type", "ClientAuthentication", "ClientID", "ClientSecretFile", "CAFile", "Scope", "QRPairing"])
    }

    @Test("Every other dialect's key is refused, at its own line, naming who takes it", arguments: names)
    func foreignKeys(name: String) throws {
        let dialect = try #require(ProviderDialect.named(name))
        let base = try Self.fakeLines(name, "http://127.0.0.1:9")
        for key in ProviderDialect.dialectKeys where !dialect.keys.contains(key) {
            let example = try #require(ConfigKey.all.first { $0.qualifiedName == "Provider." + key }).example
            let text = "[Provider]\n" + base + "\(key)=\(example)\n"
            let line = text.split(separator: "\n", omittingEmptySubsequences: false).count - 1
            #expect(throws: ConfigError.invalid(file: "t.conf", line: line, message: "\(key)= is for \(ProviderDialect.takers(of: key)); Type=\(name) takes "
                                                + dialect.keys.map { $0 + "=" }.joined(separator: ", "))) {
                try DaemonConfiguration.parse(text, file: "t.conf")
            }
        }
    }

    @Test("The defaults a dialect declares are the configuration's when it says nothing", arguments: names)
    func defaults(name: String) throws {
        let dialect = try #require(ProviderDialect.named(name))
        let config = try DaemonConfiguration.parse("[Provider]\n" + Self.fakeLines(name, "http://127.0.0.1:9"), file: "f.conf")
        #expect(config.effectiveClientAuthentication == dialect.defaultClientAuthentication)
        #expect(config.loginMethod == dialect.login)
        if config.scope == nil { #expect(config.effectiveScope == dialect.defaultScope) }
        #expect((config.clientID == nil) == (dialect.clientIDNeeded == nil))
    }

    @Test("A Scope= without the dialect's offline scope is warned of; with one, or for a dialect that needs none, it is not", arguments: names)
    func offlineScope(name: String) throws {
        let dialect = try #require(ProviderDialect.named(name))
        let base = "[Provider]\n" + (try Self.fakeLines(name, "http://127.0.0.1:9")).split(separator: "\n").filter { !$0.hasPrefix("Scope=") }.joined(separator: "\n")
        let without = try DaemonConfiguration.parse(base + "\nScope=openid profile\n", file: "f.conf")
        #expect(without.scopeWarnings.count == (dialect.offlineScopes.isEmpty ? 0 : 1), "\(without.scopeWarnings)")
        for scope in dialect.offlineScopes {
            #expect(try DaemonConfiguration.parse(base + "\nScope=openid \(scope)\n", file: "f.conf").scopeWarnings.isEmpty)
        }
    }

    /// The profile each dialect builds, pointed at the fake as the fake's table says, reaches
    /// the dialect's own token endpoint there: an unknown refresh token is a definite
    /// answer that ends the authorization (not a 404, not a refused client).
    @Test("Each dialect's profile reaches its server in the fake", arguments: names)
    func reachesFake(name: String) async throws {
        try await withFakeProvider { fake in
            let config = try DaemonConfiguration.parse("[Provider]\n" + Self.fakeLines(name, fake.baseURL), file: "f.conf")
            let transport = CurlTransport(timeoutSeconds: 5)
            let endpoints: any EndpointSource = if let issuer = config.issuer {
                DiscoveredEndpoints(issuer: issuer, needs: config.dialect.discoveryNeeds, transport: transport, cachePath: nil)
            } else { FixedEndpoints(ProviderEndpoints(token: "")) }
            let profile = config.dialect.profile(ProviderDialect.Settings(
                baseURL: config.effectiveBaseURL, endpoints: endpoints, clientAuthentication: config.effectiveClientAuthentication))
            let client = OAuthProviderClient(transport: transport, profile: profile,
                                             credentials: ClientCredentials(clientID: config.clientID ?? "dialect-test", clientSecret: fake.secret),
                                             scope: config.effectiveScope, qrPairing: false)
            let now = Fixtures.moment(at: WallTime())
            let grant = Grant(accessToken: "unknown-access", refreshToken: "unknown-refresh", accessExpiresAt: now.wall, obtainedAt: now.wall,
                              obtainedBoot: now.boot, scope: config.effectiveScope ?? "")
            do throws(OAuthFailure) {
                _ = try await client.refresh(grant, now: now)
                Issue.record("an unknown refresh token was accepted")
            } catch {
                #expect(error.endsAuthorization, "\(name): \(error)")
            }
        }
    }
}

private extension String {
    func prefixed(_ prefix: String) -> String { prefix + self }
}

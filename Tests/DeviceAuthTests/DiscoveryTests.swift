// SPDX-License-Identifier: Apache-2.0
import CurlHTTP
@testable import OAuthProvider
import AsyncHTTPClient
import FakeProvider
import Foundation
import Synchronization
import TestSupport
import Testing

/// Discovery against the fake's standard issuer over real loopback HTTP, with
/// the wall clock driven by the test: which document is read, what is cached,
/// and when the metadata is fetched again.
@Suite("Provider discovery")
struct DiscoveryTests {
    /// Wall-clock seconds the test moves by hand.
    final class Wall: Sendable {
        private let seconds = Mutex(1_800_000_000.0)
        var now: Double { seconds.withLock { $0 } }
        func advance(by delta: Double) { seconds.withLock { $0 += delta } }
        var reader: @Sendable () -> Double { { self.now } }
    }

    static let transport = CurlTransport(timeoutSeconds: 5, maxBodyBytes: 64 * 1024)

    func endpoints(_ fake: FakeHarness, _ wall: Wall, cache: String?, issuer: String? = nil) -> DiscoveredEndpoints {
        DiscoveredEndpoints(issuer: issuer ?? fake.baseURL + "/oauth2", needs: [.deviceAuthorization], transport: Self.transport,
                            cachePath: cache, wallNow: wall.reader)
    }

    func fetches(_ fake: FakeHarness) async throws -> Int { try await fake.stats().metadataFetches }

    @Test("The RFC 8414 document first; the OpenID one when the server has only that")
    func openIDFallback() async throws {
        try await withFakeProvider { fake in
            let wall = Wall()
            let (metadata, fromCache) = try await endpoints(fake, wall, cache: nil).prepare()
            #expect(!fromCache && metadata.endpoints.token == fake.baseURL + "/oauth2/token")
            #expect(try await fetches(fake) == 1)

            try await fake.control("settings", #"{"metadata_documents": ["openid-configuration"]}"#)
            let openID = try await endpoints(fake, wall, cache: nil).prepare().metadata
            #expect(openID.endpoints.deviceAuthorization == fake.baseURL + "/oauth2/device_authorization")
            #expect(openID.authMethods?.contains("client_secret_basic") == true)
            #expect(try await fetches(fake) == 2)

            try await fake.control("settings", #"{"metadata_documents": []}"#)
            await #expect(throws: DiscoveryError.invalid(
                url: "\(fake.baseURL)/.well-known/oauth-authorization-server/oauth2",
                reason: "no metadata there (HTTP 404) nor at \(fake.baseURL)/oauth2/.well-known/openid-configuration (HTTP 404); check Issuer=, or give DeviceAuthorizationEndpoint= and TokenEndpoint=")) {
                try await endpoints(fake, wall, cache: nil).prepare()
            }
        }
    }

    @Test("The well-known URLs of an issuer with and without a path")
    func metadataURLs() {
        #expect(ProviderDiscovery.metadataURLs(issuer: "https://id.example.com") ==
            ["https://id.example.com/.well-known/oauth-authorization-server", "https://id.example.com/.well-known/openid-configuration"])
        #expect(ProviderDiscovery.metadataURLs(issuer: "https://id.example.com/realms/cams/") ==
            ["https://id.example.com/.well-known/oauth-authorization-server/realms/cams",
             "https://id.example.com/realms/cams/.well-known/openid-configuration"])
    }

    @Test("A fresh cache is used without a fetch; an old one is fetched again; an unreachable issuer falls back to it")
    func cacheAge() async throws {
        let directory = try TempDirectory()
        let cache = directory.file("provider-metadata.json")
        try await withFakeProvider { fake in
            let wall = Wall()
            _ = try await endpoints(fake, wall, cache: cache).prepare()
            #expect(FileManager.default.fileExists(atPath: cache))
            #expect(try await fetches(fake) == 1)

            // The next start, an hour later: the cache is enough.
            wall.advance(by: 3600)
            let restarted = endpoints(fake, wall, cache: cache)
            #expect(try await restarted.prepare().fromCache)
            #expect(try await restarted.current().token == fake.baseURL + "/oauth2/token")
            #expect(try await fetches(fake) == 1)

            // A day later the running daemon looks again before its next call.
            wall.advance(by: 86_400)
            _ = try await restarted.current()
            #expect(try await fetches(fake) == 2)

            // A cache for another issuer is not used.
            let other = endpoints(fake, wall, cache: cache, issuer: fake.baseURL + "/other")
            await #expect(throws: DiscoveryError.self) { try await other.prepare() }

            // Old, and the issuer does not answer: the cached endpoints, all the same.
            wall.advance(by: 2 * 86_400)
            try await fake.control("faults", #"{"endpoint": "metadata", "mode": "status", "status": 503}"#)
            let offline = try await endpoints(fake, wall, cache: cache).prepare()
            #expect(offline.fromCache && offline.metadata.endpoints.token == fake.baseURL + "/oauth2/token")
        }
    }

    @Test("A failed call fetches the metadata again, at most once a minute; endpoints that moved are followed")
    func refetchAfterFailure() async throws {
        try await withFakeProvider { fake in
            let wall = Wall()
            let source = endpoints(fake, wall, cache: nil)
            _ = try await source.prepare()
            _ = try await source.current()
            #expect(try await fetches(fake) == 1)

            await source.callFailed()
            wall.advance(by: 61)
            _ = try await source.current()
            #expect(try await fetches(fake) == 2)

            // Failing again at once: the known endpoints, no second fetch within the minute.
            await source.callFailed()
            wall.advance(by: 10)
            _ = try await source.current()
            #expect(try await fetches(fake) == 2)
            wall.advance(by: 60)
            _ = try await source.current()
            #expect(try await fetches(fake) == 3)

            // The document no longer lists a revocation endpoint: the next fetch says so.
            try await fake.control("settings", #"{"metadata_omit": ["revocation_endpoint"]}"#)
            await source.callFailed()
            wall.advance(by: 61)
            #expect(try await source.current().revocation == nil)

            // The issuer is gone for a while: the endpoints known so far, not an error.
            try await fake.control("faults", #"{"endpoint": "metadata", "mode": "status", "status": 503}"#)
            await source.callFailed()
            wall.advance(by: 61)
            #expect(try await source.current().token == fake.baseURL + "/oauth2/token")
        }
    }

    @Test("Without a cache or an answer, current() is a transient network failure")
    func unreachableWithoutCache() async throws {
        try await withFakeProvider { fake in
            try await fake.control("faults", #"{"endpoint": "metadata", "mode": "status", "status": 503}"#)
            let source = endpoints(fake, Wall(), cache: nil)
            do throws(OAuthFailure) {
                _ = try await source.current()
                Issue.record("expected a failure")
            } catch {
                #expect(error.isTransient)
            }
        }
    }

    @Test("A captive portal where the metadata should be is the network's fault (unreachable, tried again), never a configuration error",
          arguments: [200, 302, 511])
    func portal(status: Int) async throws {
        try await withFakeProvider { fake in
            try await fake.control("faults", #"{"endpoint": "metadata", "mode": "portal", "status": \#(status)}"#)
            do throws(DiscoveryError) {
                _ = try await endpoints(fake, Wall(), cache: nil).prepare()
                Issue.record("expected a failure")
            } catch {
                guard case .unreachable(_, let reason) = error else { Issue.record("not unreachable: \(error)"); return }
                #expect(reason.hasPrefix("this network answers instead of the provider (a captive portal?)"), "\(reason)")
            }
        }
    }
}

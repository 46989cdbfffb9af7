// SPDX-License-Identifier: Apache-2.0
import JSONCoding

/// What an issuer's metadata says that we use (RFC 8414 §2), as fetched.
public struct ProviderMetadata: Codable, Equatable, Sendable {
    public var issuer: String
    public var endpoints: ProviderEndpoints
    /// `token_endpoint_auth_methods_supported`, when the document lists them.
    public var authMethods: [String]?
    /// Wall-clock seconds since 1970 when it was fetched, for the cache's age.
    public var fetchedAt: Double

    enum CodingKeys: String, CodingKey { case issuer, endpoints, authMethods = "auth_methods", fetchedAt = "fetched_at" }
}

/// Why the endpoints could not be discovered.
public enum DiscoveryError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No answer, or a server error: worth trying again later.
    case unreachable(url: String, reason: String)
    /// A definite answer we cannot use (no document, not JSON, wrong issuer, an endpoint missing).
    case invalid(url: String, reason: String)

    public var description: String {
        switch self {
        case .unreachable(let url, let reason): "\(url): cannot fetch the provider's metadata: \(reason)"
        case .invalid(let url, let reason): "\(url): \(reason)"
        }
    }
}

/// RFC 8414 authorization server metadata, then OpenID Connect Discovery as the fallback.
public enum ProviderDiscovery {
    /// The documents to try, in order. RFC 8414 §3.1 puts the well-known part between the
    /// host and the issuer's path; OpenID Connect Discovery §4 appends it to the issuer.
    public static func metadataURLs(issuer: String) -> [String] {
        let scheme = issuer.hasPrefix("https://") ? "https://" : "http://"
        let rest = issuer.dropFirst(scheme.count)
        let host = rest.prefix { $0 != "/" }
        var path = String(rest.dropFirst(host.count))
        if path.hasSuffix("/") { path.removeLast() }
        return [scheme + host + "/.well-known/oauth-authorization-server" + path,
                scheme + host + path + "/.well-known/openid-configuration"]
    }

    struct Document: Decodable {
        let issuer: String?
        let deviceAuthorizationEndpoint: String?
        let tokenEndpoint: String?
        let revocationEndpoint: String?
        let authorizationEndpoint: String?
        let tokenEndpointAuthMethodsSupported: [String]?

        enum CodingKeys: String, CodingKey {
            case issuer, deviceAuthorizationEndpoint = "device_authorization_endpoint", tokenEndpoint = "token_endpoint"
            case revocationEndpoint = "revocation_endpoint", authorizationEndpoint = "authorization_endpoint"
            case tokenEndpointAuthMethodsSupported = "token_endpoint_auth_methods_supported"
        }
    }

    /// Fetches and checks the issuer's metadata. `now` stamps it for the cache.
    public static func fetch(issuer: String, needs: [ProviderEndpoints.Need], transport: any HTTPTransport,
                             now: Double) async throws(DiscoveryError) -> ProviderMetadata {
        var notFound: [String] = []
        for url in metadataURLs(issuer: issuer) {
            let answer: HTTPAnswer
            do {
                answer = try await transport.perform(HTTPCall(method: "GET", url: url, headers: [("accept", "application/json")]))
            } catch {
                throw .unreachable(url: url, reason: "\(error)")
            }
            // A venue's login page where the JSON document should be is the network's
            // fault, never a configuration error: it is tried again, like a server that is down.
            if let portal = CaptivePortal.recognize(answer) { throw .unreachable(url: url, reason: "\(portal)") }
            switch answer.status {
            case 200:
                return try check(answer.body, url: url, issuer: issuer, needs: needs, now: now)
            case 404, 410, 400, 403, 405:
                // Not this document (a server may serve only one of the two); try the next.
                notFound.append("HTTP \(answer.status)")
            case 500...599, 429, 408:
                throw .unreachable(url: url, reason: "HTTP \(answer.status)")
            default:
                throw .invalid(url: url, reason: "HTTP \(answer.status) instead of the metadata document")
            }
        }
        throw .invalid(url: metadataURLs(issuer: issuer)[0],
                       reason: "no metadata there (\(notFound[0])) nor at \(metadataURLs(issuer: issuer)[1]) (\(notFound.last ?? "?")); check Issuer=, or give DeviceAuthorizationEndpoint= and TokenEndpoint=")
    }

    package static func check(_ body: [UInt8], url: String, issuer: String, needs: [ProviderEndpoints.Need], now: Double) throws(DiscoveryError) -> ProviderMetadata {
        let document: Document
        do { document = try JSON.decode(Document.self, from: body) } catch {
            throw .invalid(url: url, reason: "the metadata is not a JSON object with string fields (\(OAuthAnswer.describe(error, bytes: body.count)))")
        }
        // RFC 8414 §3.3: the issuer must be the one we asked about, exactly, or the
        // document is someone else's (a mix-up, or an attacker's).
        guard let stated = document.issuer else { throw .invalid(url: url, reason: "the metadata has no issuer") }
        guard stated == issuer else {
            throw .invalid(url: url, reason: "the metadata's issuer \"\(ServerError.printable(stated))\" is not Issuer=\(issuer)")
        }
        guard let token = document.tokenEndpoint else { throw .invalid(url: url, reason: "the metadata has no token_endpoint") }
        let endpoints = ProviderEndpoints(deviceAuthorization: document.deviceAuthorizationEndpoint, token: token,
                                          revocation: document.revocationEndpoint, authorization: document.authorizationEndpoint)
        if let missing = endpoints.missing(needs) { throw .invalid(url: url, reason: "the metadata has no \(missing.rawValue)") }
        if let (name, problem) = endpoints.unusable { throw .invalid(url: url, reason: "\(name) \(problem)") }
        return ProviderMetadata(issuer: issuer, endpoints: endpoints, authMethods: document.tokenEndpointAuthMethodsSupported, fetchedAt: now)
    }
}

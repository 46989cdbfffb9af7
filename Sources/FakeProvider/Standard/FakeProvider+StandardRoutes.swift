// SPDX-License-Identifier: Apache-2.0
import Foundation
import HTTPTypes
import Hummingbird

/// A standard authorization server under `/oauth2` (issuer `http://HOST/oauth2`):
/// RFC 8414 and OpenID metadata, RFC 8628 device authorization, the token endpoint
/// (device code, authorization code with PKCE, refresh), RFC 7009 revocation.
/// Errors carry `error_description`; clients authenticate as registered.
extension FakeProvider {
    static let standardPrefix = "/oauth2"

    func addStandardRoutes(to router: Router<FakeRequestContext>) {
        let state = self.state
        let scheme = configuration.publicScheme
        // RFC 8414 §3.1 puts the well-known part before the issuer's path; OpenID Discovery after it.
        let documents = [("oauth-authorization-server", "/.well-known/oauth-authorization-server" + Self.standardPrefix),
                         ("openid-configuration", Self.standardPrefix + "/.well-known/openid-configuration")]
        for (document, path) in documents {
            router.get(RouterPath(path)) { request, context in
                try await FaultInjection.respond(to: .metadata, state: state, context: context) {
                    guard let settings = await state.serveMetadata(document) else {
                        return FakeReply.json(["error": "not_found"], status: .notFound)
                    }
                    return FakeReply.json(Self.metadata(issuer: Self.issuer(for: request, scheme: scheme), settings: settings))
                }
            }
        }
        router.post(RouterPath(Self.standardPrefix + "/device_authorization")) { request, context in
            try await Self.standardRoute(.deviceCode, request, context, state: state) { clientID, form in
                .json(await state.standardDeviceCode(clientID: clientID, form: form, activationURL: Self.activationURL(for: request, scheme: scheme)))
            }
        }
        router.post(RouterPath(Self.standardPrefix + "/token")) { request, context in
            try await Self.standardRoute(.token, request, context, state: state) { clientID, form in
                switch await state.standardExchange(clientID: clientID, form: form) {
                case .issued(let tokens): .json(tokens)
                case .error(let code): .standardError(code)
                case .notAuthorized: .standardError(.invalidGrant)
                }
            }
        }
        router.post(RouterPath(Self.standardPrefix + "/revoke")) { request, context in
            try await Self.standardRoute(.revoke, request, context, state: state) { clientID, form in
                guard let token = form["token"], !token.isEmpty else { return .standardError(.invalidRequest) }
                await state.standardRevoke(clientID: clientID, token: token, hint: form["token_type_hint"])
                return .revoked(await state.currentSettings.revocationReply)
            }
        }
        addLoginRoutes(to: router)
    }

    static func issuer(for request: Request, scheme: String) -> String { "\(scheme)://\(request.head.authority ?? "127.0.0.1")\(standardPrefix)" }

    static func metadata(issuer: String, settings: FakeSettings) -> [String: MetadataValue] {
        let methods = MetadataValue.list(["client_secret_basic", "client_secret_post", "none"])
        var document: [String: MetadataValue] = [
            "issuer": .text(settings.metadataIssuer ?? issuer),
            "authorization_endpoint": .text(issuer + "/authorize"),
            "token_endpoint": .text(issuer + "/token"),
            "device_authorization_endpoint": .text(issuer + "/device_authorization"),
            "revocation_endpoint": .text(issuer + "/revoke"),
            "response_types_supported": .list(["code"]),
            // RECOMMENDED by RFC 8414 §2; clients such as oidc-agent require it.
            "scopes_supported": .list(["openid", "offline_access", "offline", "profile", "email"]),
            "grant_types_supported": .list(["authorization_code", "refresh_token", deviceCodeGrant]),
            "code_challenge_methods_supported": .list(["S256"]),
            "token_endpoint_auth_methods_supported": methods,
            "revocation_endpoint_auth_methods_supported": methods,
        ]
        for field in settings.metadataOmit { document[field] = nil }
        return document
    }

    enum MetadataValue: Encodable {
        case text(String), list([String])
        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .text(let text): try container.encode(text)
            case .list(let list): try container.encode(list)
            }
        }
    }

    static let deviceCodeGrant = "urn:ietf:params:oauth:grant-type:device_code"

    /// A form-bodied standard call: fault injection, the form, strict client authentication, the work.
    static func standardRoute(
        _ endpoint: FaultEndpoint, _ request: Request, _ context: FakeRequestContext, state: ProviderState,
        work: @escaping @Sendable (String, [String: String]) async -> FakeReply
    ) async throws -> Response {
        let body = try await request.body.collect(upTo: maxFormBytes)
        let authorization = request.headers[.authorization]
        return try await FaultInjection.respond(to: endpoint, state: state, context: context) {
            guard let form = try? FormBody.parse(contentType: request.headers[.contentType], body: Array(buffer: body)) else {
                return .standardError(.invalidRequest)
            }
            if await state.currentSettings.requireClientIDInForm, form["client_id"]?.isEmpty != false {
                return .standardError(.invalidRequest, description: "Missing client_id parameter.")
            }
            let outcome = StandardClients.authenticate(form: form, authorization: authorization) { secret in
                // The actor's constant-time comparison, on a copy of the configured secret.
                FakeSecret.matches(secret, state.configuration.clientSecret)
            }
            switch outcome {
            case .success(let clientID): return await work(clientID, form)
            case .failure(let code): return .standardError(code, challengeBasic: authorization != nil)
            }
        }
    }
}

extension FakeReply {
    /// RFC 6749 §5.2: 400 with `error` and `error_description`; a failed client
    /// authentication is 401, with `WWW-Authenticate` when the client used Basic.
    static func standardError(_ code: OAuthErrorCode, description: String? = nil, challengeBasic: Bool = false) -> FakeReply {
        var reply = json(["error": code.rawValue, "error_description": description ?? code.standardDescription],
                         status: code == .invalidClient ? .unauthorized : .badRequest)
        if code == .invalidClient, challengeBasic { reply.headers[.wwwAuthenticate] = #"Basic realm="deviceauth-fake-provider""# }
        reply.isRejection = code.isRejection
        return reply
    }
}

extension FakeReply {
    /// A revocation's 200, with the body the settings name (RFC 7009 §2.2: any body).
    static func revoked(_ shape: FakeSettings.RevocationReply) -> FakeReply {
        switch shape {
        case .emptyHTML: FakeReply(status: .ok, headers: [.contentType: "text/html; charset=utf-8"])
        case .empty: FakeReply(status: .ok)
        case .json: json(["success": true])
        }
    }
}

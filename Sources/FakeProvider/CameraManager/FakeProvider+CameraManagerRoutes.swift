// SPDX-License-Identifier: Apache-2.0
import Foundation
import HTTPTypes
import Hummingbird

/// CameraManager's endpoints (docs/providers.md §3): `POST /oauth/token` for the
/// password and refresh grants, fields in the query string (as its guide shows)
/// or the form body, the camera model's API key in Basic; and the logout.
extension FakeProvider {
    func addCameraManagerRoutes(to router: Router<FakeRequestContext>) {
        let state = self.state
        router.post("/oauth/token") { request, context in
            let body = try await request.body.collect(upTo: Self.maxFormBytes)
            let authorization = request.headers[.authorization]
            let query = request.uri.query ?? ""
            return try await FaultInjection.respond(to: .token, state: state, context: context) {
                guard let fromQuery = try? FormBody.urlEncoded(Array(query.utf8)),
                      let fromBody = body.readableBytes == 0 ? [:] : try? FormBody.parse(contentType: request.headers[.contentType], body: Array(buffer: body))
                else { return .cameraManagerError(.invalidRequest, "Malformed parameters") }
                let form = fromQuery.merging(fromBody) { _, body in body }
                // The API key (id and secret of the camera model), in Basic only.
                guard let authorization, let (apiKey, secret) = StandardClients.basicCredentials(authorization),
                      FakeSecret.matches(secret, state.configuration.clientSecret)
                else { return .cameraManagerError(.invalidClient, "Bad client credentials") }
                let outcome: CameraManagerOutcome
                switch form["grant_type"] {
                case "password"?: outcome = await state.passwordLogin(clientID: apiKey, form: form)
                case "refresh_token"?: outcome = await state.cameraManagerRefresh(clientID: apiKey, form: form)
                case nil: outcome = .error(.invalidRequest, "Missing grant type")
                default: outcome = .error(.unsupportedGrantType, "Unsupported grant type: \(form["grant_type"] ?? "")")
                }
                switch outcome {
                case .issued(let tokens): return .json(tokens)
                case .error(let code, let text): return .cameraManagerError(code, text)
                case .unauthorized(let text): return .cameraManagerUnauthorized(text)
                }
            }
        }
        router.delete("/rest/v2.0/users/self/tokens/current") { request, context in
            let token = Self.bearerToken(request.headers[.authorization])
            return try await FaultInjection.respond(to: .revoke, state: state, context: context) {
                await state.logout(bearer: token) ? FakeReply(status: .ok) : .cameraManagerUnauthorized("Invalid access token")
            }
        }
    }
}

extension FakeReply {
    /// Spring OAuth2's error shape: `error` and `error_description`; a bad API key is 401.
    static func cameraManagerError(_ code: OAuthErrorCode, _ description: String) -> FakeReply {
        var reply = json(["error": code.rawValue, "error_description": description],
                         status: code == .invalidClient ? .unauthorized : .badRequest)
        if code == .invalidClient { reply.headers[.wwwAuthenticate] = #"Basic realm="oauth2/client""# }
        reply.isRejection = code.isRejection
        return reply
    }

    /// A dead token: 401 `invalid_token`.
    static func cameraManagerUnauthorized(_ description: String) -> FakeReply {
        var reply = json(["error": "invalid_token", "error_description": description], status: .unauthorized)
        reply.isRejection = true
        return reply
    }
}

// SPDX-License-Identifier: Apache-2.0
import Foundation
import Hummingbird

/// The authorization endpoint (RFC 6749 §4.1.1) with a consent page: approve or
/// deny, or approve at once (`auto_approve_logins`). PKCE S256 is required; the
/// redirect URI must be loopback http (RFC 8252 §7.3, any port) or https.
extension FakeProvider {
    func addLoginRoutes(to router: Router<FakeRequestContext>) {
        let state = self.state
        router.get(RouterPath(Self.standardPrefix + "/authorize")) { request, _ in
            let query = (try? FormBody.urlEncoded(Array((request.uri.query ?? "").utf8))) ?? [:]
            // Never redirect to a URI we could not vouch for (RFC 6749 §4.1.2.1): say it on the page.
            guard let clientID = query["client_id"], StandardClients.methods[clientID] != nil else {
                return Self.html(ActivationPage.result(title: "Unknown client", message: "client_id is missing or not registered."), status: .badRequest)
            }
            guard let redirectURI = query["redirect_uri"], Self.acceptableRedirect(redirectURI) else {
                return Self.html(ActivationPage.result(title: "Bad redirect_uri", message: "redirect_uri must be http://127.0.0.1:PORT/… or https://…"), status: .badRequest)
            }
            guard query["response_type"] == "code" else {
                return Self.redirect(redirectURI, ["error": "unsupported_response_type", "state": query["state"]])
            }
            guard let challenge = query["code_challenge"], query["code_challenge_method"] == "S256", challenge.count == 43 else {
                return Self.redirect(redirectURI, ["error": "invalid_request", "error_description": "PKCE with code_challenge_method=S256 is required",
                                                   "state": query["state"]])
            }
            let scopes = Set((query["scope"] ?? "").split(separator: " ").map(String.init))
            let id = await state.beginLogin(PendingLogin(clientID: clientID, redirectURI: redirectURI, scopes: scopes,
                                                         state: query["state"], challenge: challenge))
            if await state.currentSettings.autoApproveLogins { return await Self.decide(id, approve: true, state: state) }
            return Self.html(Self.consentPage(id: id, clientID: clientID, scopes: scopes))
        }
        router.post(RouterPath(Self.standardPrefix + "/authorize/decision")) { request, _ in
            let body = try await request.body.collect(upTo: Self.maxFormBytes)
            let form = (try? FormBody.parse(contentType: request.headers[.contentType], body: Array(buffer: body))) ?? [:]
            guard let id = form["login"] else { return Self.html(ActivationPage.result(title: "No login", message: "Start again from the device."), status: .badRequest) }
            return await Self.decide(id, approve: form["decision"] == "approve", state: state)
        }
    }

    static func decide(_ id: String, approve: Bool, state: ProviderState) async -> Response {
        guard let (login, code) = await state.decideLogin(id, approve: approve) else {
            return html(ActivationPage.result(title: "Login expired", message: "Start again from the device."), status: .notFound)
        }
        guard let code else {
            return redirect(login.redirectURI, ["error": "access_denied", "error_description": "The user denied the request", "state": login.state])
        }
        return redirect(login.redirectURI, ["code": code, "state": login.state])
    }

    static func acceptableRedirect(_ uri: String) -> Bool {
        guard !uri.contains("#") else { return false }
        if uri.hasPrefix("https://") { return true }
        return ["http://127.0.0.1:", "http://[::1]:", "http://localhost:"].contains { uri.hasPrefix($0) }
    }

    /// A 302 to the client's redirect URI with `fields` in its query (nil values left out).
    static func redirect(_ uri: String, _ fields: [String: String?]) -> Response {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        let query = fields.sorted { $0.key < $1.key }.compactMap { key, value in
            value.map { "\(key)=\($0.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }
        }.joined(separator: "&")
        let location = uri + (uri.contains("?") ? "&" : "?") + query
        return Response(status: .found, headers: [.location: location, .cacheControl: "no-store"])
    }

    static func consentPage(id: String, clientID: String, scopes: Set<String>) -> String {
        let login = ActivationPage.escape(id)
        let what = scopes.isEmpty ? "its default access" : scopes.sorted().joined(separator: " ")
        return ActivationPage.page(title: "Allow \(clientID)?", body: """
            <h1>Allow \(ActivationPage.escape(clientID)) to act for you?</h1>
            <p>It asks for: \(ActivationPage.escape(what)).</p>
            <form method="post" action="\(standardPrefix)/authorize/decision"><input type="hidden" name="login" value="\(login)">
              <button type="submit" name="decision" value="approve" class="approve">Allow</button>
              <button type="submit" name="decision" value="deny" class="deny">Deny</button></form>
            """)
    }
}

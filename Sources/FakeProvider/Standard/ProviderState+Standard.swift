// SPDX-License-Identifier: Apache-2.0
import Crypto
import Foundation

/// RFC 8628 §3.2's device authorization answer (no Frame.io `name`).
struct StandardDeviceCodeResponse: Encodable, Sendable {
    let deviceCode: String
    let userCode: String
    let verificationURI: String
    let verificationURIComplete: String?
    let expiresIn: Int
    let interval: Int

    enum CodingKeys: String, CodingKey {
        case deviceCode = "device_code", userCode = "user_code", verificationURI = "verification_uri"
        case verificationURIComplete = "verification_uri_complete", expiresIn = "expires_in", interval
    }
}

/// A login between the consent page and the redirect (RFC 6749 §4.1.1, RFC 7636).
struct PendingLogin: Sendable {
    let clientID: String
    let redirectURI: String
    let scopes: Set<String>
    let state: String?
    let challenge: String
}

/// An authorization code handed out in a redirect, single use, short-lived.
struct IssuedCode: Sendable {
    let clientID: String
    let redirectURI: String
    let scopes: Set<String>
    let challenge: String
    let expiresAt: Date
    var used = false
    /// The authorization its first exchange created (revoked if the code comes back).
    var authorizationID: String?
}

/// The standard endpoints' grants: device code, authorization code with PKCE,
/// refresh, revocation; clients authenticated strictly (`StandardClients`).
extension ProviderState {
    func standardDeviceCode(clientID: String, form: [String: String], activationURL: String) -> StandardDeviceCodeResponse {
        let scopes = Set((form["scope"] ?? "").split(separator: " ").map(String.init))
        let code = makePendingCode(clientID: clientID, scopes: scopes)
        return StandardDeviceCodeResponse(
            deviceCode: code.deviceCode, userCode: code.userCode, verificationURI: activationURL,
            verificationURIComplete: settings.verificationURIComplete ? "\(activationURL)?code=\(code.userCode)" : nil,
            expiresIn: configuration.deviceCodeLifetime, interval: configuration.pollingInterval)
    }

    /// `POST /oauth2/token`, dispatched on `grant_type`.
    func standardExchange(clientID: String, form: [String: String]) -> TokenOutcome {
        switch form["grant_type"] {
        case Self.deviceCodeGrant?:
            counters.polls += 1
            guard let deviceCode = form["device_code"] else { return .error(.invalidRequest) }
            return pollCode(clientID: clientID, deviceCode: deviceCode)
        case "refresh_token"?:
            guard let presented = form["refresh_token"] else { return .error(.invalidRequest) }
            return refreshTokens(clientID: clientID, presented: presented, scope: form["scope"], dialect: .standard)
        case "authorization_code"?:
            return redeemCode(clientID: clientID, form: form)
        case nil: return .error(.invalidRequest)
        default: return .error(.unsupportedGrantType)
        }
    }

    /// RFC 7009: any token of the client; unknown tokens are answered 200 too.
    /// RFC 7009 §2.1: `token_type_hint` is only a hint (a wrong one must not fail the revocation),
    /// so the fake only counts the hints that named the kind of token presented.
    func standardRevoke(clientID: String, token: String, hint: String?) {
        let kind = authorizationByRefreshToken[token] != nil ? "refresh_token" : "access_token"
        let id = authorizationByRefreshToken[token] ?? authorizationByAccessToken[token]
        guard let id, let auth = authorizations[id], auth.clientID == clientID, !auth.revoked else { return }
        authorizations[id]?.revoked = true
        counters.revocations += 1
        if hint == kind { counters.revocationHintsMatched += 1 }
        logger.info("authorization revoked", metadata: ["authorization": "\(id)"])
    }

    // MARK: - Authorization code with PKCE

    /// Remembers a login the consent page will decide; returns its id.
    func beginLogin(_ login: PendingLogin) -> String {
        let id = RandomTokens.identifier()
        loginRequests[id] = login
        return id
    }

    func login(_ id: String) -> PendingLogin? { loginRequests[id] }

    /// The person's answer: a code for the redirect, or nil when denied (or unknown).
    func decideLogin(_ id: String, approve: Bool) -> (login: PendingLogin, code: String?)? {
        guard let login = loginRequests.removeValue(forKey: id) else { return nil }
        guard approve else { return (login, nil) }
        let code = RandomTokens.opaque(marker: "FAKEAC", length: 32)
        authorizationCodes[code] = IssuedCode(clientID: login.clientID, redirectURI: login.redirectURI, scopes: login.scopes,
                                              challenge: login.challenge, expiresAt: clock.now().addingTimeInterval(60))
        counters.loginsApproved += 1
        return (login, code)
    }

    /// RFC 6749 §4.1.3 with RFC 7636 §4.6: the code, its redirect URI and the verifier must all match.
    private func redeemCode(clientID: String, form: [String: String]) -> TokenOutcome {
        guard let code = form["code"], let redirectURI = form["redirect_uri"], let verifier = form["code_verifier"]
        else { return .error(.invalidRequest) }
        guard var issued = authorizationCodes[code], issued.clientID == clientID else { return .error(.invalidGrant) }
        if issued.used {
            // A code presented twice: revoke what its first use gave (RFC 6749 §4.1.2).
            if let id = issued.authorizationID { authorizations[id]?.revoked = true }
            return .error(.invalidGrant)
        }
        let now = clock.now()
        guard now < issued.expiresAt, issued.redirectURI == redirectURI,
              Self.s256(verifier) == issued.challenge
        else { return .error(.invalidGrant) }
        let tokens = createAuthorization(clientID: clientID, scopes: issued.scopes, now: now)
        issued.used = true
        issued.authorizationID = authorizationByAccessToken[tokens.accessToken]
        authorizationCodes[code] = issued
        return .issued(tokens)
    }

    static func s256(_ verifier: String) -> String {
        Data(SHA256.hash(data: Array(verifier.utf8))).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    func updateSettings(_ settings: FakeSettings) { self.settings = settings }

    /// The settings to draw a metadata document with, counted; nil when that document is switched off.
    func serveMetadata(_ document: String) -> FakeSettings? {
        guard settings.metadataDocuments.contains(document) else { return nil }
        counters.metadataFetches += 1
        return settings
    }
    var currentSettings: FakeSettings { settings }
}

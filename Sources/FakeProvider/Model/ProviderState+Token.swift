// SPDX-License-Identifier: Apache-2.0
import Foundation

enum TokenOutcome: Sendable {
    case issued(IssuedTokens)
    case error(OAuthErrorCode)
    /// 401 with Frame.io's `Not Authorized` body: the authorization is gone.
    case notAuthorized
}

extension ProviderState {
    static let deviceCodeGrant = "urn:ietf:params:oauth:grant-type:device_code"

    /// `POST /v2/auth/token`, dispatched on `grant_type`.
    func exchange(_ form: [String: String]) -> TokenOutcome {
        switch form["grant_type"] {
        case Self.deviceCodeGrant?: return poll(form)
        case "refresh_token"?: return refresh(form)
        case nil: return .error(.invalidRequest)
        default: return .error(.unsupportedGrantType)
        }
    }

    /// Step 2 of the device flow: one poll for a device code.
    private func poll(_ form: [String: String]) -> TokenOutcome {
        counters.polls += 1
        guard let clientID = form["client_id"], !clientID.isEmpty, let deviceCode = form["device_code"]
        else { return .error(.invalidRequest) }
        // The older reference omits client_secret on polls; when sent it must be right.
        if let secret = form["client_secret"], !clientSecretMatches(secret) { return .error(.invalidClient) }
        return pollCode(clientID: clientID, deviceCode: deviceCode)
    }

    /// A poll from an authenticated client (RFC 8628 §3.5), for both dialects.
    func pollCode(clientID: String, deviceCode: String) -> TokenOutcome {
        guard var code = pendingCodes[deviceCode], code.clientID == clientID else { return .error(.invalidGrant) }

        let now = clock.now()
        if code.isExpired(at: now) {
            pendingCodes[deviceCode] = nil
            return .error(.expiredToken)
        }
        // RFC 8628 §3.5: too fast → slow_down, and this code's interval grows by 5 s for good.
        let tooSoon = now.timeIntervalSince(code.lastPollAt) < Double(code.interval)
        code.lastPollAt = now
        if tooSoon {
            code.interval += 5
            pendingCodes[deviceCode] = code
            counters.slowDowns += 1
            return .error(.slowDown)
        }
        switch code.decision(at: now, autoApproveAfter: configuration.autoApproveAfter) {
        case .pending:
            pendingCodes[deviceCode] = code
            return .error(.authorizationPending)
        case .denied:
            pendingCodes[deviceCode] = nil
            return .error(.accessDenied)
        case .approved:
            pendingCodes[deviceCode] = nil
            return .issued(createAuthorization(clientID: clientID, scopes: code.scopes, now: now))
        }
    }

    func createAuthorization(clientID: String, scopes: Set<String>, now: Date) -> IssuedTokens {
        let id = UUID().uuidString.lowercased()
        let access = RandomTokens.opaque(marker: RandomTokens.accessTokenMarker)
        // Without `offline` there is no refresh token and the user re-pairs when the access token dies.
        let refresh = !scopes.isDisjoint(with: ["offline", "offline_access"]) ? RandomTokens.opaque(marker: RandomTokens.refreshTokenMarker) : nil
        authorizations[id] = Authorization(
            id: id, clientID: clientID, scopes: scopes, createdAt: now,
            accessToken: access,
            accessExpiresAt: now.addingTimeInterval(Double(configuration.accessTokenLifetime)),
            refreshToken: refresh,
            refreshExpiresAt: now.addingTimeInterval(Double(configuration.refreshTokenLifetime))
        )
        authorizationByAccessToken[access] = id
        if let refresh { authorizationByRefreshToken[refresh] = id }
        if deviceIDs[clientID] == nil { deviceIDs[clientID] = UUID().uuidString.lowercased() }
        counters.tokensIssued += 1
        logger.info("device paired", metadata: ["authorization": "\(id)"])
        return IssuedTokens(accessToken: access, expiresIn: configuration.accessTokenLifetime, refreshToken: refresh)
    }

    /// The refresh grant. Refresh tokens are single use: the old pair dies with the exchange.
    private func refresh(_ form: [String: String]) -> TokenOutcome {
        guard let clientID = form["client_id"], !clientID.isEmpty,
              let secret = form["client_secret"], let presented = form["refresh_token"]
        else { return .error(.invalidRequest) }
        guard clientSecretMatches(secret) else { return .error(.invalidClient) }
        return refreshTokens(clientID: clientID, presented: presented, scope: nil, dialect: .frameio)
    }

    /// The refresh grant of an authenticated client. Frame.io answers a reused token
    /// `invalid_request` and a revoked one 401; the RFCs say `invalid_grant` for both,
    /// and a reuse revokes the whole authorization (OAuth 2.0 Security BCP §4.14).
    func refreshTokens(clientID: String, presented: String, scope: String?, dialect: FakeDialect) -> TokenOutcome {
        if let id = rotatedRefreshTokens[presented] {
            if authorizations[id]?.revoked == true { return dialect == .frameio ? .notAuthorized : .error(.invalidGrant) }
            counters.refreshReuse += 1
            logger.warning("rotated refresh token presented again", metadata: ["authorization": "\(id)"])
            if dialect == .standard { authorizations[id]?.revoked = true }
            return .error(dialect == .frameio ? .invalidRequest : .invalidGrant)
        }
        guard let id = authorizationByRefreshToken[presented], var auth = authorizations[id], auth.clientID == clientID
        else { return .error(.invalidGrant) }
        if auth.revoked { return dialect == .frameio ? .notAuthorized : .error(.invalidGrant) }
        let now = clock.now()
        guard now < auth.refreshExpiresAt else { return .error(.invalidGrant) }
        // RFC 6749 §6: a refresh may narrow the scope, never widen it.
        if let scope, !Set(scope.split(separator: " ").map(String.init)).isSubset(of: auth.scopes) { return .error(.invalidScope) }
        if dialect == .standard, !settings.rotateRefreshTokens {
            // A server that keeps refresh tokens: a new access token, no refresh_token field.
            authorizationByAccessToken[auth.accessToken] = nil
            auth.accessToken = RandomTokens.opaque(marker: RandomTokens.accessTokenMarker)
            auth.accessExpiresAt = now.addingTimeInterval(Double(configuration.accessTokenLifetime))
            authorizations[id] = auth
            authorizationByAccessToken[auth.accessToken] = id
            counters.refreshes += 1
            counters.tokensIssued += 1
            return .issued(IssuedTokens(accessToken: auth.accessToken, expiresIn: configuration.accessTokenLifetime, refreshToken: nil))
        }

        authorizationByAccessToken[auth.accessToken] = nil
        authorizationByRefreshToken[presented] = nil
        rotatedRefreshTokens[presented] = id
        auth.accessToken = RandomTokens.opaque(marker: RandomTokens.accessTokenMarker)
        auth.accessExpiresAt = now.addingTimeInterval(Double(configuration.accessTokenLifetime))
        let newRefresh = RandomTokens.opaque(marker: RandomTokens.refreshTokenMarker)
        auth.refreshToken = newRefresh
        auth.refreshExpiresAt = now.addingTimeInterval(Double(configuration.refreshTokenLifetime))
        authorizations[id] = auth
        authorizationByAccessToken[auth.accessToken] = id
        authorizationByRefreshToken[newRefresh] = id
        counters.refreshes += 1
        counters.tokensIssued += 1
        logger.info("tokens refreshed", metadata: ["authorization": "\(id)"])
        return .issued(IssuedTokens(accessToken: auth.accessToken, expiresIn: configuration.accessTokenLifetime, refreshToken: newRefresh))
    }
}

// SPDX-License-Identifier: Apache-2.0
import Primitives

/// What the engine needs from a provider, one call per effect.
///
/// Contract for implementers: every call returns within a bounded time and
/// reports failures as `OAuthFailure` (never crashes on what a server sends),
/// already classified into typed outcomes; `now` is when the request is sent,
/// for token lifetimes.
public protocol ProviderClient: Sendable {
    func requestDeviceCode(now: Moment) async throws(OAuthFailure) -> DeviceCodeSession
    func poll(_ session: DeviceCodeSession, now: Moment) async throws(OAuthFailure) -> Grant
    func refresh(_ grant: Grant, now: Moment) async throws(OAuthFailure) -> Grant
    /// Revokes `grant`; `clientID`, when given, is the (former) client id it was issued to.
    /// False when the provider offers no revocation: the tokens can only be forgotten.
    func revoke(_ grant: Grant, clientID: String?) async throws(OAuthFailure) -> Bool
    /// nil when the provider has no such API.
    func deviceInfo(_ grant: Grant) async throws(OAuthFailure) -> DeviceInfo?
    func heartbeat(_ grant: Grant) async throws(OAuthFailure)
    /// The URL a person opens to log in (RFC 6749 §4.1.1 with RFC 7636's S256 challenge).
    func authorizationURL(_ request: LoginRequest) async throws(OAuthFailure) -> String
    /// Trades an authorization code for tokens (RFC 6749 §4.1.3, with the PKCE verifier).
    func exchangeCode(_ code: String, for request: LoginRequest, now: Moment) async throws(OAuthFailure) -> Grant
    /// The user's email and password, once, for tokens (RFC 6749 §4.3).
    func passwordLogin(username: String, password: String, now: Moment) async throws(OAuthFailure) -> Grant
}

/// `ProviderClient` for every OAuth dialect, driven by a `ProviderProfile`.
public struct OAuthProviderClient: ProviderClient {
    let transport: any HTTPTransport
    let profile: ProviderProfile
    let credentials: ClientCredentials
    /// nil: no `scope` parameter (the server's default).
    let scope: String?
    let qrPairing: Bool

    public init(transport: any HTTPTransport, profile: ProviderProfile, credentials: ClientCredentials, scope: String?, qrPairing: Bool) {
        self.transport = transport
        self.profile = profile
        self.credentials = credentials
        self.scope = scope
        self.qrPairing = qrPairing
    }

    public func requestDeviceCode(now: Moment) async throws(OAuthFailure) -> DeviceCodeSession {
        try await calling { endpoints throws(OAuthFailure) in
            guard let url = endpoints.deviceAuthorization else { throw .malformed("the provider has no device authorization endpoint") }
            return try await DeviceAuthorization.request(transport, profile: profile, url: url, credentials: credentials,
                                                         scope: scope, qrPairing: qrPairing, now: now)
        }
    }

    public func poll(_ session: DeviceCodeSession, now: Moment) async throws(OAuthFailure) -> Grant {
        try await calling { endpoints throws(OAuthFailure) in
            try await TokenPolling.poll(transport, profile: profile, url: endpoints.token, credentials: credentials, session: session, scope: scope, now: now)
        }
    }

    public func refresh(_ grant: Grant, now: Moment) async throws(OAuthFailure) -> Grant {
        try await calling { endpoints throws(OAuthFailure) in
            try await RefreshGrant.refresh(transport, profile: profile, url: endpoints.token, credentials: credentials, grant: grant, now: now)
        }
    }

    public func revoke(_ grant: Grant, clientID: String? = nil) async throws(OAuthFailure) -> Bool {
        var credentials = self.credentials
        if let clientID { credentials.clientID = clientID }
        if case .bearerDelete(let url) = profile.revocation {
            return try await logout(grant, url: url, credentials: credentials)
        }
        return try await calling { endpoints throws(OAuthFailure) in
            guard let url = endpoints.revocation else { return false }
            try await Revocation.revoke(transport, profile: profile, url: url, credentials: credentials, grant: grant)
            return true
        }
    }

    /// A logout needs a live access token; the refresh token outlives it and would stay
    /// usable at the provider, so a dead access token is renewed once and the logout sent again.
    private func logout(_ grant: Grant, url: String, credentials: ClientCredentials) async throws(OAuthFailure) -> Bool {
        if try await Revocation.logout(transport, profile: profile, url: url, grant: grant) { return true }
        let renewed: Grant
        do {
            // The renewed pair serves only this logout and is never kept: its times do not matter.
            let moment = Moment(wall: grant.obtainedAt, boot: grant.obtainedBoot ?? BootInstant(bootID: "", seconds: 0), wallSynchronized: false)
            renewed = try await calling { endpoints throws(OAuthFailure) in
                try await RefreshGrant.refresh(transport, profile: profile, url: endpoints.token, credentials: credentials, grant: grant, now: moment)
            }
        } catch where error.endsAuthorization {
            return true  // the provider no longer knows these tokens: logged out already
        }
        guard try await Revocation.logout(transport, profile: profile, url: url, grant: renewed) else {
            throw .notAuthorized
        }
        return true
    }

    public func deviceInfo(_ grant: Grant) async throws(OAuthFailure) -> DeviceInfo? {
        guard let url = profile.deviceInfoURL else { return nil }
        return try await DeviceAPI.me(transport, profile: profile, url: url, grant: grant)
    }

    public func heartbeat(_ grant: Grant) async throws(OAuthFailure) {
        guard let url = profile.heartbeatURL else { return }
        try await DeviceAPI.heartbeat(transport, profile: profile, url: url, grant: grant)
    }

    public func authorizationURL(_ request: LoginRequest) async throws(OAuthFailure) -> String {
        let endpoints = try await profile.endpoints.current()
        guard let url = endpoints.authorization else { throw .malformed("the provider has no authorization endpoint") }
        return AuthorizationCodeGrant.authorizationURL(url, clientID: credentials.clientID, scope: scope, request: request)
    }

    public func exchangeCode(_ code: String, for request: LoginRequest, now: Moment) async throws(OAuthFailure) -> Grant {
        try await calling { endpoints throws(OAuthFailure) in
            try await AuthorizationCodeGrant.exchange(transport, profile: profile, url: endpoints.token, credentials: credentials,
                                                      code: code, request: request, scope: scope, now: now)
        }
    }

    public func passwordLogin(username: String, password: String, now: Moment) async throws(OAuthFailure) -> Grant {
        try await calling { endpoints throws(OAuthFailure) in
            try await PasswordGrant.login(transport, profile: profile, url: endpoints.token, credentials: credentials,
                                          username: username, password: password, scope: scope, now: now)
        }
    }

    /// Runs one call against the current endpoints; a failure without an OAuth answer
    /// (no connection, a 404, a redirect) may mean they moved, so discovery looks again.
    private func calling<T>(_ call: (ProviderEndpoints) async throws(OAuthFailure) -> T) async throws(OAuthFailure) -> T {
        let endpoints = try await profile.endpoints.current()
        do {
            return try await call(endpoints)
        } catch {
            switch error {
            case .network, .httpStatus: await profile.endpoints.callFailed()
            default: break
            }
            throw error
        }
    }
}

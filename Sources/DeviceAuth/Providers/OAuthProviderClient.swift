import FoundationEssentials

/// What the engine needs from a provider, one call per effect.
///
/// Contract for implementers: every call returns within a bounded time and
/// reports failures as `OAuthFailure` (never crashes on what a server sends);
/// `now` is when the request is sent, for token lifetimes.
public protocol ProviderClient: Sendable {
    func requestDeviceCode(now: Moment) async throws(OAuthFailure) -> DeviceCodeSession
    func poll(_ session: DeviceCodeSession, now: Moment) async throws(OAuthFailure) -> Grant
    func refresh(_ grant: Grant, now: Moment) async throws(OAuthFailure) -> Grant
    /// Revokes `grant`; `clientID`, when given, is the (former) client id it was issued to.
    func revoke(_ grant: Grant, clientID: String?) async throws(OAuthFailure)
    /// nil when the provider has no such API.
    func deviceInfo(_ grant: Grant) async throws(OAuthFailure) -> DeviceInfo?
    func heartbeat(_ grant: Grant) async throws(OAuthFailure)
}

/// `ProviderClient` for the device flow providers, driven by a `ProviderProfile`.
public struct OAuthProviderClient: ProviderClient {
    let transport: any HTTPTransport
    let profile: ProviderProfile
    let credentials: ClientCredentials
    let scope: String
    let qrPairing: Bool

    public init(transport: any HTTPTransport, profile: ProviderProfile, credentials: ClientCredentials, scope: String, qrPairing: Bool) {
        self.transport = transport
        self.profile = profile
        self.credentials = credentials
        self.scope = scope
        self.qrPairing = qrPairing
    }

    public func requestDeviceCode(now: Moment) async throws(OAuthFailure) -> DeviceCodeSession {
        try await DeviceAuthorization.request(transport, profile: profile, credentials: credentials, scope: scope, qrPairing: qrPairing, now: now)
    }

    public func poll(_ session: DeviceCodeSession, now: Moment) async throws(OAuthFailure) -> Grant {
        try await TokenPolling.poll(transport, profile: profile, credentials: credentials, session: session, scope: scope, now: now)
    }

    public func refresh(_ grant: Grant, now: Moment) async throws(OAuthFailure) -> Grant {
        try await RefreshGrant.refresh(transport, profile: profile, credentials: credentials, grant: grant, now: now)
    }

    public func revoke(_ grant: Grant, clientID: String? = nil) async throws(OAuthFailure) {
        var credentials = self.credentials
        if let clientID { credentials.clientID = clientID }
        try await Revocation.revoke(transport, profile: profile, credentials: credentials, grant: grant)
    }

    public func deviceInfo(_ grant: Grant) async throws(OAuthFailure) -> DeviceInfo? {
        guard let path = profile.deviceInfoPath else { return nil }
        return try await FrameIODevice.me(transport, profile: profile, path: path, grant: grant)
    }

    public func heartbeat(_ grant: Grant) async throws(OAuthFailure) {
        guard let path = profile.heartbeatPath else { return }
        try await FrameIODevice.heartbeat(transport, profile: profile, path: path, grant: grant)
    }
}

// SPDX-License-Identifier: Apache-2.0
/// Counters served by `GET /_fake/stats` (snake_case keys on the wire).
///
/// Tests assert on these to see what a client really did, e.g. that a
/// restarted daemon asked for no new device code or never reused a rotated
/// refresh token.
public struct FakeProviderStats: Codable, Sendable, Equatable {
    /// Device codes issued by `POST /v2/auth/device/code`.
    public var deviceCodes = 0
    /// Device-code grant requests to `POST /v2/auth/token` (every answer counts).
    public var polls = 0
    /// Polls answered `slow_down`.
    public var slowDowns = 0
    /// Successful token responses of either grant (first pairing and refresh).
    public var tokensIssued = 0
    /// Successful refresh-token grants.
    public var refreshes = 0
    /// Rotated (already used) refresh tokens presented again.
    public var refreshReuse = 0
    /// Live authorizations revoked through `POST /v2/auth/revoke`.
    public var revocations = 0
    /// Standard revocations whose `token_type_hint` named the kind of token presented.
    public var revocationHintsMatched = 0
    /// Logins approved on the standard consent page (authorization codes handed out).
    public var loginsApproved = 0
    /// Metadata documents served (either well-known path, answered 200).
    public var metadataFetches = 0
    /// CameraManager password grants that gave tokens, and those refused (wrong email or password).
    public var passwordLogins = 0
    public var passwordFailures = 0
    /// CameraManager logouts (`DELETE /rest/v2.0/users/self/tokens/current`) answered 200.
    public var logouts = 0
    /// Heartbeats answered 204.
    public var heartbeats = 0
    /// `GET /v2/devices/me` calls answered 200.
    public var devicesMe = 0
    /// `/v2/echo` calls, and those of them refused with 401 (a token that no longer works).
    public var echoes = 0
    public var echoesRefused = 0
    /// Requests refused as malformed or unauthenticated: `invalid_request`,
    /// `invalid_client`, `invalid_scope`, `unsupported_grant_type` and 401s.
    public var rejectedRequests = 0
    /// Requests answered by an injected fault instead of the protocol.
    public var faultsInjected = 0
    /// API requests that did not carry `x-client-version`.
    public var requestsWithoutClientVersion = 0
    /// Heartbeats sent less than 60 s after the previous one of the same device.
    public var heartbeatsTooFrequent = 0
    /// Authorizations neither revoked nor expired right now (not a counter): what a
    /// client would leave behind if it dropped tokens without revoking them.
    public var liveAuthorizations = 0

    public init() {}
}

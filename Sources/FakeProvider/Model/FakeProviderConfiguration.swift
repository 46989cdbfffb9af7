// SPDX-License-Identifier: Apache-2.0
/// How the fake provider behaves: the knobs the command line exposes.
public struct FakeProviderConfiguration: Sendable {
    /// The scheme clients reach the fake by, for the URLs it hands out (its issuer,
    /// its activation page): "https" when a TLS front (stunnel, in the tests) is before it.
    public var publicScheme = "http"
    /// The per-model secret every client must present.
    public var clientSecret = "fake-c2c-client-secret"
    /// Lifetime of access tokens (Frame.io: about 8 h).
    public var accessTokenLifetime = 28_800
    /// Lifetime of refresh tokens from issue (Frame.io: 14 days).
    public var refreshTokenLifetime = 14 * 86_400
    /// `expires_in` of device codes (Frame.io: at most 120 s).
    public var deviceCodeLifetime = 120
    /// The polling `interval` handed out with each device code.
    public var pollingInterval = 5
    /// When set, every device code counts as approved this many seconds after issue.
    public var autoApproveAfter: Double?
    /// What `devices/me` and the activation page call the project.
    public var projectName = "Testbed"
    /// What the provider calls a newly paired device (`name` of the device-code response).
    public var deviceName = "Frameio-CAMERA"
    /// Who approved the device, as `devices/me` reports it.
    public var approverName = "Test User"

    /// CameraManager's users, email to password (`--user EMAIL:PASSWORD`). The default
    /// password carries the FAKEPW marker so a test can scan any output for it.
    public var users = ["camera@example.com": "FAKEPW_correct-horse-battery"]
    /// CameraManager's access token lifetime (its guide: 43199 s, about 12 h).
    public var cameraManagerTokenLifetime = 43_199

    public init() {}
}

// SPDX-License-Identifier: Apache-2.0
import OAuthProvider
/// Everything that can happen to the state machine. The engine turns timers,
/// HTTP answers and commands into these; the transition function decides.
public enum PairingEvent: Equatable, Sendable {
    /// The daemon started; `stored` is what the token store held.
    case started(stored: Grant?)
    case pairRequested
    case cancelRequested
    case unpairRequested
    /// Someone needs a fresher token than the one held (control socket `token` with `min_valid_seconds`).
    case refreshRequested
    /// An administrator asked for a refresh now (`deviceauthctl refresh`): it also
    /// cuts a backoff short. For people at the device, not for programs.
    case refreshForced
    case deviceCodeIssued(DeviceCodeSession)
    case deviceCodeFailed(OAuthFailure)
    /// A poll for `deviceCode` came back.
    case pollAnswered(deviceCode: String, Result<Grant, OAuthFailure>)
    /// A refresh that presented `refreshToken` came back.
    case refreshAnswered(refreshToken: String?, Result<Grant, OAuthFailure>)
    case deviceInfoAnswered(accessToken: String, Result<DeviceInfo, OAuthFailure>)
    case heartbeatAnswered(accessToken: String, OAuthFailure?)
    case timerFired(PairingTimer)
    /// Committing tokens to the store failed (full disk, I/O error).
    case persistFailed(String)
    /// The wall clock was set (stepped by NTP or by hand).
    case wallClockSet
    /// `deviceauthctl login` brought first tokens (an authorization code or an imported
    /// refresh token, already exchanged by the engine).
    case loggedIn(Grant)
    /// What became of the revocation an unpair asked for (again when a retry changes it).
    case revocationAnswered(RevokeOutcome)
}

/// The engine's timers; scheduling one again replaces it.
public enum PairingTimer: String, Hashable, Sendable, CaseIterable {
    case requestCode, poll, codeExpiry, refresh, heartbeat, persistRetry
}

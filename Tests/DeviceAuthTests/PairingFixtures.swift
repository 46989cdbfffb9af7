// SPDX-License-Identifier: Apache-2.0
import Primitives
@testable import DeviceAuth
@testable import OAuthProvider
import Foundation

/// Sample states, events and values for the transition-function tests.
enum Fixtures {
    static let now = WallTime(timeIntervalSince1970: 1_800_000_000)
    static let bootID = "boot-A"
    /// `now` on the boot clock of boot A.
    static let bootNow = 1000.0

    /// Both clocks `offset` seconds after `now`, in boot A, wall clock synchronized.
    static func moment(_ offset: Double = 0) -> Moment {
        Moment(wall: now.addingTimeInterval(offset), boot: BootInstant(bootID: bootID, seconds: bootNow + offset), wallSynchronized: true)
    }

    /// A moment at `wall`, for calls whose boot clock does not matter.
    static func moment(at wall: WallTime) -> Moment {
        Moment(wall: wall, boot: BootInstant(bootID: bootID, seconds: bootNow), wallSynchronized: true)
    }

    static func grant(obtainedAt: WallTime = now, lifetime: Double = 28_800, refresh: String? = "RT-1", access: String = "AT-1") -> Grant {
        Grant(accessToken: access, refreshToken: refresh, accessExpiresAt: obtainedAt.addingTimeInterval(lifetime),
              obtainedAt: obtainedAt, obtainedBoot: BootInstant(bootID: bootID, seconds: bootNow + obtainedAt.timeIntervalSince(now)),
              scope: "asset_create offline")
    }

    static let session = DeviceCodeSession(
        deviceCode: "DC-1", userCode: "123456", verificationURI: "https://example.test/device",
        verificationURIComplete: "https://example.test/device?code=123456",
        issuedAt: now, expiresAt: now.addingTimeInterval(120), issuedBoot: BootInstant(bootID: bootID, seconds: bootNow), interval: 5)

    static let unpaired = PairingState.unpaired(.neverPaired)
    static let requesting = PairingState.polling(.init(session: nil, failures: 0, codesIssued: 0))
    static let polling = PairingState.polling(.init(session: session, failures: 0, codesIssued: 1))
    static let authorized = PairingState.authorized(.init(grant: grant(), projectName: "Testbed"))
    static let refreshing = PairingState.refreshing(.init(grant: grant(), projectName: "Testbed"), failures: 0)

    static let allStates: [(String, PairingState)] = [
        ("unpaired", unpaired), ("requesting", requesting), ("polling", polling),
        ("authorized", authorized), ("refreshing", refreshing),
    ]

    static let newGrant = grant(access: "AT-2").with(refresh: "RT-2")

    /// One sample of every event, named for the expectation table.
    static let allEvents: [(String, PairingEvent)] = [
        ("started(nil)", .started(stored: nil)),
        ("started(grant)", .started(stored: grant())),
        ("pair", .pairRequested),
        ("cancel", .cancelRequested),
        ("unpair", .unpairRequested),
        ("refreshRequested", .refreshRequested),
        ("refreshForced", .refreshForced),
        ("codeIssued", .deviceCodeIssued(session)),
        ("codeFailed(network)", .deviceCodeFailed(.network("refused"))),
        ("codeFailed(invalid_client)", .deviceCodeFailed(.clientRejected(ServerError("invalid_client")))),
        ("poll(granted)", .pollAnswered(deviceCode: "DC-1", .success(newGrant))),
        ("poll(pending)", .pollAnswered(deviceCode: "DC-1", .failure(.pending(interval: nil)))),
        ("poll(slow_down)", .pollAnswered(deviceCode: "DC-1", .failure(.slowDown(interval: nil)))),
        ("poll(pending, new interval)", .pollAnswered(deviceCode: "DC-1", .failure(.pending(interval: 12)))),
        ("poll(expired_token)", .pollAnswered(deviceCode: "DC-1", .failure(.codeExpired))),
        ("poll(access_denied)", .pollAnswered(deviceCode: "DC-1", .failure(.denied(ServerError("access_denied"))))),
        ("poll(invalid_client)", .pollAnswered(deviceCode: "DC-1", .failure(.clientRejected(ServerError("invalid_client"))))),
        ("poll(invalid_grant)", .pollAnswered(deviceCode: "DC-1", .failure(.grantGone(ServerError("invalid_grant"))))),
        ("poll(503)", .pollAnswered(deviceCode: "DC-1", .failure(.httpStatus(503)))),
        ("poll(stale code)", .pollAnswered(deviceCode: "DC-0", .success(newGrant))),
        ("refresh(ok)", .refreshAnswered(refreshToken: "RT-1", .success(newGrant))),
        ("refresh(network)", .refreshAnswered(refreshToken: "RT-1", .failure(.network("reset")))),
        ("refresh(429)", .refreshAnswered(refreshToken: "RT-1", .failure(.rateLimited(retryAfterSeconds: 60)))),
        ("refresh(401)", .refreshAnswered(refreshToken: "RT-1", .failure(.notAuthorized))),
        ("refresh(invalid_grant)", .refreshAnswered(refreshToken: "RT-1", .failure(.grantGone(ServerError("invalid_grant"))))),
        ("refresh(reused)", .refreshAnswered(refreshToken: "RT-1", .failure(.refreshTokenReused(ServerError("invalid_request"))))),
        ("refresh(invalid_request, other dialect)", .refreshAnswered(refreshToken: "RT-1", .failure(.refused(ServerError("invalid_request"))))),
        ("refresh(invalid_client)", .refreshAnswered(refreshToken: "RT-1", .failure(.clientRejected(ServerError("invalid_client"))))),
        ("refresh(403)", .refreshAnswered(refreshToken: "RT-1", .failure(.httpStatus(403)))),
        ("refresh(302)", .refreshAnswered(refreshToken: "RT-1", .failure(.httpStatus(302)))),
        ("refresh(400 without error)", .refreshAnswered(refreshToken: "RT-1", .failure(.httpStatus(400)))),
        ("refresh(bad_request)", .refreshAnswered(refreshToken: "RT-1", .failure(.refused(ServerError("bad_request", text: "Bad \"request\"\nsecond line"))))),
        ("refresh(garbled)", .refreshAnswered(refreshToken: "RT-1", .failure(.malformed("not JSON (12 bytes)")))),
        ("refresh(stale)", .refreshAnswered(refreshToken: "RT-0", .success(newGrant))),
        ("info(ok)", .deviceInfoAnswered(accessToken: "AT-1", .success(.init(deviceName: "Cam", projectName: "Other")))),
        ("info(401)", .deviceInfoAnswered(accessToken: "AT-1", .failure(.notAuthorized))),
        ("heartbeat(ok)", .heartbeatAnswered(accessToken: "AT-1", nil)),
        ("heartbeat(401)", .heartbeatAnswered(accessToken: "AT-1", .notAuthorized)),
        ("timer(requestCode)", .timerFired(.requestCode)),
        ("timer(poll)", .timerFired(.poll)),
        ("timer(codeExpiry)", .timerFired(.codeExpiry)),
        ("timer(refresh)", .timerFired(.refresh)),
        ("timer(heartbeat)", .timerFired(.heartbeat)),
        ("timer(persistRetry)", .timerFired(.persistRetry)),
        ("persistFailed", .persistFailed("disk full")),
        ("wallClockSet", .wallClockSet),
        ("revocationAnswered", .revocationAnswered(.revoked)),
    ]
}

extension Grant {
    func with(refresh: String?) -> Grant {
        var copy = self
        copy.refreshToken = refresh
        return copy
    }
}

extension PairingMachine.Step {
    var requests: [PairingEffect] { effects.filter { if case .log = $0 { false } else { true } } }
    var logs: [PairingLog] { effects.compactMap { if case .log(let log) = $0 { log } else { nil } } }
    func schedules(_ timer: PairingTimer) -> Double? {
        effects.lazy.compactMap { if case .schedule(timer, let seconds) = $0 { seconds } else { nil } }.last
    }
}

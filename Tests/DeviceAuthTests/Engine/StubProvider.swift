// SPDX-License-Identifier: Apache-2.0
import Primitives
@testable import OAuthProvider
import Foundation

/// A provider the engine tests script, in process. Every call is recorded;
/// refreshes can be held (a slow or silent server) until the test releases
/// them or the engine cancels them.
actor StubProvider: ProviderClient {
    enum Call: Equatable, Sendable {
        case deviceCode, poll, refresh(presented: String?), revoke(String), deviceInfo, heartbeat
    }
    private(set) var calls: [Call] = []
    /// Refreshes wait until `release` (or their cancellation) while this is set.
    var holdRefreshes = false
    /// The next refresh answers, in order; when empty a refresh rotates to a new pair.
    var refreshAnswers: [Result<Grant, OAuthFailure>] = []
    var lifetime: Double = 3600
    private(set) var cancelledCalls = 0
    /// The next pairing-code requests fail with these, in order.
    var deviceCodeFailures: [OAuthFailure] = []
    /// Pairing-code requests wait until `releaseDeviceCodes()` while this is set.
    var holdDeviceCodes = false
    private var heldCodes: [CheckedContinuation<Void, Never>] = []
    private var held: [CheckedContinuation<Void, Never>] = []
    private var issued = 1
    /// The next revocations fail with these, in order.
    var revocationFailures: [OAuthFailure] = []
    func failRevocations(_ failures: [OAuthFailure]) { revocationFailures = failures }

    func hold(_ hold: Bool) { holdRefreshes = hold }
    func failDeviceCodes(_ failures: [OAuthFailure]) { deviceCodeFailures = failures }
    func holdCodes(_ hold: Bool) { holdDeviceCodes = hold }
    var deviceCodeRequests: Int { calls.filter { $0 == .deviceCode }.count }
    var heldCodeCount: Int { heldCodes.count }
    /// Lets every held pairing-code request go on to its answer.
    func releaseDeviceCodes() {
        holdDeviceCodes = false
        Self.resumeAll(&heldCodes)
    }
    func setLifetime(_ seconds: Double) { lifetime = seconds }
    func answerRefreshes(_ answers: [Result<Grant, OAuthFailure>]) { refreshAnswers = answers }
    var refreshes: Int { calls.filter { if case .refresh = $0 { true } else { false } }.count }
    var revoked: [String] { calls.compactMap { if case .revoke(let token) = $0 { token } else { nil } } }
    var heldCount: Int { held.count }

    /// Lets every held refresh go on to its answer.
    func release() {
        holdRefreshes = false
        Self.resumeAll(&held)
    }

    private static func resumeAll(_ waiters: inout [CheckedContinuation<Void, Never>]) {
        let waiting = waiters
        waiters = []
        for waiter in waiting { waiter.resume() }
    }

    func grant(_ n: Int, at now: Moment) -> Grant {
        Grant(accessToken: "AT-\(n)", refreshToken: "RT-\(n)", accessExpiresAt: now.wall.addingTimeInterval(lifetime),
              obtainedAt: now.wall, obtainedBoot: now.boot, scope: "asset_create offline")
    }

    func requestDeviceCode(now: Moment) async throws(OAuthFailure) -> DeviceCodeSession {
        calls.append(.deviceCode)
        if !deviceCodeFailures.isEmpty { throw deviceCodeFailures.removeFirst() }
        if holdDeviceCodes { await withCheckedContinuation { heldCodes.append($0) } }
        return DeviceCodeSession(deviceCode: "DC-1", userCode: "123456", verificationURI: "https://example.test/device",
                                 verificationURIComplete: nil, issuedAt: now.wall, expiresAt: now.wall.addingTimeInterval(120),
                                 issuedBoot: now.boot, interval: 5)
    }

    func poll(_ session: DeviceCodeSession, now: Moment) async throws(OAuthFailure) -> Grant {
        calls.append(.poll)
        throw .pending(interval: nil)
    }

    func refresh(_ grant: Grant, now: Moment) async throws(OAuthFailure) -> Grant {
        calls.append(.refresh(presented: grant.refreshToken))
        if holdRefreshes {
            await withTaskCancellationHandler {
                await withCheckedContinuation { held.append($0) }
            } onCancel: {
                Task { await self.release() }
            }
            if Task.isCancelled {
                cancelledCalls += 1
                throw .network("cancelled")
            }
        }
        if !refreshAnswers.isEmpty { return try refreshAnswers.removeFirst().get() }
        issued += 1
        return self.grant(issued, at: now)
    }

    func revoke(_ grant: Grant, clientID: String?) async throws(OAuthFailure) -> Bool {
        calls.append(.revoke(grant.accessToken))
        if !revocationFailures.isEmpty { throw revocationFailures.removeFirst() }
        return true
    }

    func authorizationURL(_ request: LoginRequest) async throws(OAuthFailure) -> String {
        "https://auth.example.test/authorize?state=\(request.state)"
    }

    func exchangeCode(_ code: String, for request: LoginRequest, now: Moment) async throws(OAuthFailure) -> Grant {
        issued += 1
        return grant(issued, at: now)
    }

    func passwordLogin(username: String, password: String, now: Moment) async throws(OAuthFailure) -> Grant {
        issued += 1
        var grant = grant(issued, at: now)
        grant.account = username
        return grant
    }

    func deviceInfo(_ grant: Grant) async throws(OAuthFailure) -> DeviceInfo? {
        calls.append(.deviceInfo)
        return DeviceInfo(deviceName: "Cam", projectName: "Testbed")
    }

    func heartbeat(_ grant: Grant) async throws(OAuthFailure) { calls.append(.heartbeat) }
}

// SPDX-License-Identifier: Apache-2.0
import Foundation
import Logging

/// Everything the fake provider remembers, behind one actor so that every
/// request sees a consistent world: device codes, authorizations and their
/// token indexes, queued faults and the counters of `/_fake/stats`.
///
/// The grant logic lives in extensions, one file per concern
/// (`ProviderState+DeviceCode.swift`, `+Token`, `+Revoke`, `+Bearer`, `+Control`).
public actor ProviderState {
    let configuration: FakeProviderConfiguration
    let clock: any FakeClock
    let logger: Logger

    /// Pending device codes, by device code.
    var pendingCodes: [String: PendingDeviceCode] = [:]
    /// Authorizations by id, and the indexes a real server keeps to find them.
    var authorizations: [String: Authorization] = [:]
    var authorizationByAccessToken: [String: String] = [:]
    var authorizationByRefreshToken: [String: String] = [:]
    /// Refresh tokens already exchanged once: presenting one again is reuse.
    var rotatedRefreshTokens: [String: String] = [:]
    /// A stable device id per client_id, as `devices/me` reports it.
    var deviceIDs: [String: String] = [:]
    let projectID = UUID().uuidString.lowercased()

    var faults: [FaultEndpoint: [Fault]] = [:]
    /// Switches tests flip at run time (`POST /_fake/settings`).
    var settings = FakeSettings()
    /// Logins between the consent page and the code exchange (RFC 6749 §4.1).
    var loginRequests: [String: PendingLogin] = [:]
    var authorizationCodes: [String: IssuedCode] = [:]
    var counters = FakeProviderStats()

    public init(configuration: FakeProviderConfiguration, clock: any FakeClock, logger: Logger) {
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
    }

    public var stats: FakeProviderStats {
        var stats = counters
        let now = clock.now()
        stats.liveAuthorizations = authorizations.values.filter { !$0.revoked && (now < $0.refreshExpiresAt || now < $0.accessExpiresAt) }.count
        return stats
    }

    func clientSecretMatches(_ presented: String) -> Bool {
        FakeSecret.matches(presented, configuration.clientSecret)
    }

    func countRejected() { counters.rejectedRequests += 1 }
    func countMissingClientVersion() { counters.requestsWithoutClientVersion += 1 }
}

enum FakeSecret {
    /// Compares every byte, so the answer time does not leak the secret's prefix.
    static func matches(_ presented: String, _ secret: String) -> Bool {
        let a = Array(presented.utf8), b = Array(secret.utf8)
        var difference = a.count ^ b.count
        for i in 0..<min(a.count, b.count) { difference |= Int(a[i] ^ b[i]) }
        return difference == 0
    }
}

// SPDX-License-Identifier: Apache-2.0
import OAuthProvider
import Logging

/// Ending an authorization at the provider (RFC 7009, or a dialect's logout), best
/// effort and logged. A provider that is down for now (503, or 429) is asked again at
/// the time it names, a few times: RFC 7009 §2.2.1 says the token then still exists, and
/// an unpair during an outage must not leave a live authorization behind for good.
extension PairingEngine {
    /// Attempts after the first, and the longest wait between two.
    static let revocationRetries = 3
    static let maxRevocationRetryWait = 300.0
    /// A caller (the unpair) waiting longer than this for a retry hears "not yet" at once.
    static let revocationWaitToldAtOnce = 5.0

    /// Revokes `grant` at the provider; `report` hears each outcome: a retry under way
    /// (not revoked yet, and when it is tried again), then the last.
    func spawnRevoke(_ grant: Grant, clientID: String?, what: String,
                     report: (@Sendable (RevokeOutcome) async -> Void)? = nil) {
        guard !stopping else { return }
        continuation.yield(.spawn { [client, clock, logger] in
            var retries = 0
            while true {
                let failure: OAuthFailure
                do throws(OAuthFailure) {
                    if try await client.revoke(grant, clientID: clientID) {
                        logger.info("revoked \(what) at the provider (access \(Fingerprint.of(grant.accessToken)))")
                        await report?(.revoked)
                    } else {
                        logger.notice("the provider offers no revocation: \(what) (access \(Fingerprint.of(grant.accessToken))) stay valid there until they expire")
                        await report?(.unsupported)
                    }
                    return
                } catch { failure = error }

                guard let wait = Self.revocationRetryWait(after: failure, retries: retries) else {
                    logger.warning("could not revoke \(what) at the provider: \(failure.revocationReason)")
                    await report?(.notRevoked(failure.revocationReason))
                    return
                }
                retries += 1
                let again = "tried again in \(Int(wait.rounded(.up))) s"
                logger.notice("could not revoke \(what) at the provider yet: \(failure.revocationReason); \(again)")
                if wait > Self.revocationWaitToldAtOnce { await report?(.notRevoked("\(failure.revocationReason); \(again), in the background")) }
                do {
                    try await clock.sleep(seconds: wait)
                } catch {
                    logger.warning("could not revoke \(what) at the provider: the daemon stopped before trying again")
                    await report?(.notRevoked("the daemon stopped before the provider could be asked again"))
                    return
                }
            }
        })
    }

    /// How long to wait before asking again, or nil when asking again cannot help.
    /// The provider's own wait when it names one (bounded), else 2, 4, 8 s.
    nonisolated static func revocationRetryWait(after failure: OAuthFailure, retries: Int) -> Double? {
        guard retries < revocationRetries else { return nil }
        switch failure {
        case .unavailable, .rateLimited:
            return min(failure.retryAfterSeconds ?? Double(2 << retries), maxRevocationRetryWait)
        default:
            return nil
        }
    }
}

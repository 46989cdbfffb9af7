// SPDX-License-Identifier: Apache-2.0
import Crypto

/// What the test-control API (`/_fake/…`) does to the world.
extension ProviderState {
    /// Every live access token expires now (refresh tokens keep working).
    func expireAllAccessTokens() -> Int {
        let now = clock.now()
        var expired = 0
        for (id, auth) in authorizations where !auth.revoked && auth.accessExpiresAt > now {
            authorizations[id]?.accessExpiresAt = now
            expired += 1
        }
        return expired
    }

    /// Revoke every authorization, as if each user disconnected their device.
    func revokeAllAuthorizations() -> Int {
        var revoked = 0
        for (id, auth) in authorizations where !auth.revoked {
            authorizations[id]?.revoked = true
            revoked += 1
        }
        return revoked
    }

    /// The current access token of every authorization not revoked, as the first 12 hex
    /// digits of its SHA-256 (what deviceauthd logs and stores as a fingerprint):
    /// lets a crash test tell whether the daemon committed the last rotation.
    func liveAccessFingerprints() -> [String] {
        authorizations.values.filter { !$0.revoked }.map { auth in
            SHA256.hash(data: Array(auth.accessToken.utf8)).prefix(6).map { byte in
                byte < 16 ? "0" + String(byte, radix: 16) : String(byte, radix: 16)
            }.joined()
        }.sorted()
    }

    func enqueue(_ fault: Fault, on endpoint: FaultEndpoint, count: Int) {
        faults[endpoint, default: []].append(contentsOf: Array(repeating: fault, count: count))
    }

    /// The fault the next request to `endpoint` must suffer, if any is queued.
    /// Whether a fault waits for `endpoint` (the echo checks before it reads a body).
    func hasFault(for endpoint: FaultEndpoint) -> Bool { !(faults[endpoint] ?? []).isEmpty }

    func takeFault(for endpoint: FaultEndpoint) -> Fault? {
        guard var queue = faults[endpoint], !queue.isEmpty else { return nil }
        let fault = queue.removeFirst()
        faults[endpoint] = queue
        counters.faultsInjected += 1
        return fault
    }
}

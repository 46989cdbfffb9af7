// SPDX-License-Identifier: Apache-2.0
import Foundation

/// The body of a 200 from `POST /v2/auth/device/code`.
struct DeviceCodeResponse: Encodable, Sendable {
    let deviceCode: String
    let expiresIn: Int
    let interval: Int
    let name: String
    let userCode: String
    /// Only with `x-client-platypus-enabled: true`.
    let verificationURI: String?
    let verificationURIComplete: String?

    enum CodingKeys: String, CodingKey {
        case deviceCode = "device_code", expiresIn = "expires_in", interval, name
        case userCode = "user_code", verificationURI = "verification_uri"
        case verificationURIComplete = "verification_uri_complete"
    }
}

enum DeviceCodeOutcome: Sendable {
    case issued(DeviceCodeResponse)
    case error(OAuthErrorCode)
}

extension ProviderState {
    /// The scopes Frame.io C2C grants to hardware devices.
    static let knownScopes: Set<String> = ["asset_create", "offline"]

    /// Step 1 of the device flow.
    /// - Parameter activationURL: the activation page's absolute URL, for QR pairing.
    func issueDeviceCode(_ form: [String: String], qrPairing: Bool, activationURL: String) -> DeviceCodeOutcome {
        guard let clientID = form["client_id"], !clientID.isEmpty,
              let secret = form["client_secret"], let scope = form["scope"]
        else { return .error(.invalidRequest) }
        guard clientSecretMatches(secret) else { return .error(.invalidClient) }
        let scopes = Set(scope.split(separator: " ").map(String.init))
        guard !scopes.isEmpty, scopes.isSubset(of: Self.knownScopes) else { return .error(.invalidScope) }

        let code = makePendingCode(clientID: clientID, scopes: scopes)
        return .issued(DeviceCodeResponse(
            deviceCode: code.deviceCode,
            expiresIn: configuration.deviceCodeLifetime,
            interval: configuration.pollingInterval,
            name: configuration.deviceName,
            userCode: code.userCode,
            verificationURI: qrPairing ? activationURL : nil,
            verificationURIComplete: qrPairing ? "\(activationURL)?code=\(code.userCode)" : nil
        ))
    }

    /// A new device code for an authenticated client, remembered until it is polled or dies.
    func makePendingCode(clientID: String, scopes: Set<String>) -> PendingDeviceCode {
        let now = clock.now()
        pruneDeadCodes(now: now)
        let code = PendingDeviceCode(
            deviceCode: RandomTokens.opaque(marker: RandomTokens.deviceCodeMarker),
            userCode: freshUserCode(now: now),
            clientID: clientID,
            scopes: scopes,
            issuedAt: now,
            expiresAt: now.addingTimeInterval(Double(configuration.deviceCodeLifetime)),
            interval: configuration.pollingInterval,
            lastPollAt: now,
            decision: .pending
        )
        pendingCodes[code.deviceCode] = code
        counters.deviceCodes += 1
        logger.info("device code issued", metadata: ["user_code": "\(code.userCode)"])
        return code
    }

    /// A user code no live code uses, so a person's six digits name one device.
    private func freshUserCode(now: Date) -> String {
        let taken = Set(pendingCodes.values.filter { !$0.isExpired(at: now) }.map(\.userCode))
        while true {
            let candidate = RandomTokens.userCode()
            if !taken.contains(candidate) { return candidate }
        }
    }

    /// Forget codes long past expiry, so a demo left running for days stays small.
    /// Recently expired ones stay, to answer `expired_token` rather than `invalid_grant`.
    private func pruneDeadCodes(now: Date) {
        pendingCodes = pendingCodes.filter { now.timeIntervalSince($0.value.expiresAt) < 3600 }
    }

    /// The live, undecided code a person typed, if there is one.
    func undecidedCode(userCode: String) -> PendingDeviceCode? {
        let now = clock.now()
        return pendingCodes.values.first {
            $0.userCode == userCode && !$0.isExpired(at: now)
                && $0.decision(at: now, autoApproveAfter: configuration.autoApproveAfter) == .pending
        }
    }

    /// Approve or deny the live codes matching `userCode` (all of them when nil).
    /// Returns how many changed.
    func decide(userCode: String?, approve: Bool) -> Int {
        let now = clock.now()
        var changed = 0
        for (key, code) in pendingCodes where !code.isExpired(at: now) && code.decision == .pending {
            if let userCode, code.userCode != userCode { continue }
            pendingCodes[key]?.decision = approve ? .approved : .denied
            changed += 1
            logger.info(approve ? "device code approved" : "device code denied", metadata: ["user_code": "\(code.userCode)"])
        }
        return changed
    }
}

// SPDX-License-Identifier: Apache-2.0
import ControlProtocol
import DeviceAuth

/// The wire form of the engine's snapshot.
extension ControlStatus {
    public init(_ snapshot: PairingSnapshot) {
        self.init(state: snapshot.state, status: snapshot.status, userCode: snapshot.userCode,
                  verificationURI: snapshot.verificationURI, verificationURIComplete: snapshot.verificationURIComplete,
                  codeExpiresAt: snapshot.codeExpiresAt?.epochSeconds, project: snapshot.project,
                  tokenExpiresAt: snapshot.tokenExpiresAt?.epochSeconds, problem: snapshot.problem)
        account = snapshot.account
    }
}

extension ControlStatus {
    /// For callers who may not pair: the state stays, the code and its URLs go.
    mutating func withholdPairingCode() {
        guard userCode != nil || verificationURI != nil || verificationURIComplete != nil else { return }
        userCode = nil
        verificationURI = nil
        verificationURIComplete = nil
        codeWithheld = true
    }
}

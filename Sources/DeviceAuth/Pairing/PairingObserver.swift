// SPDX-License-Identifier: Apache-2.0
/// Who hears from the engine: systemd (STATUS=, WATCHDOG=1), the control socket, the QR file.
///
/// Contract for implementers: calls come from the engine's own loop, one at a
/// time; return quickly and never call back into the engine synchronously.
public protocol PairingObserver: Sendable {
    /// The state or its status line changed. `status` starts with the state's name and a colon.
    func pairingStateChanged(_ state: PairingState, status: String)
    /// The engine's loop is turning: sent every watchdog period from that loop,
    /// so a stuck engine stops sending it.
    func engineAlive()
    /// The counters changed (a refresh, a failed one, a pairing, a lost authorization).
    func metricsChanged(_ metrics: PairingMetrics, state: PairingState)
}

extension PairingObserver {
    public func metricsChanged(_ metrics: PairingMetrics, state: PairingState) {}
}

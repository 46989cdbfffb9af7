// SPDX-License-Identifier: Apache-2.0
import DeviceAuth

/// Several observers as one: the engine has exactly one.
struct Observers: PairingObserver {
    let all: [any PairingObserver]
    init(_ all: [any PairingObserver]) { self.all = all }

    func pairingStateChanged(_ state: PairingState, status: String) {
        for observer in all { observer.pairingStateChanged(state, status: status) }
    }

    func engineAlive() {
        for observer in all { observer.engineAlive() }
    }

    func metricsChanged(_ metrics: PairingMetrics, state: PairingState) {
        for observer in all { observer.metricsChanged(metrics, state: state) }
    }
}

// SPDX-License-Identifier: Apache-2.0
import DeviceAuth
import Synchronization
import Systemd

/// Turns the engine's news into sd_notify messages: READY=1 with the first
/// status (the store is open and the state known by then), STATUS= on every
/// change, WATCHDOG=1 whenever the engine's loop says it is alive.
final class SystemdObserver: PairingObserver {
    let notifier: SystemdNotifier
    private let isReady = Mutex(false)

    init(notifier: SystemdNotifier) { self.notifier = notifier }

    func pairingStateChanged(_ state: PairingState, status: String) {
        let first = isReady.withLock { ready in
            defer { ready = true }
            return !ready
        }
        if first { notifier.ready(status: status) } else { notifier.status(status) }
    }

    func engineAlive() { notifier.watchdog() }
}

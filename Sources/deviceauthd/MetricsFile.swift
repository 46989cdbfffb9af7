// SPDX-License-Identifier: Apache-2.0
import Primitives
import DeviceAuth
import OAuthProvider
import Logging
import Synchronization
import Forwarder

/// `$RUNTIME_DIRECTORY/metrics.prom` for node_exporter's textfile collector
/// (`Metrics=yes`): the Prometheus text format, rewritten atomically on every
/// change (the forwarder's counts at most once a second) and never on a timer,
/// so it costs an idle camera no wake-up. That is
/// why the token's expiry is a timestamp (alert on
/// `deviceauthd_access_token_expiry_timestamp_seconds - time() < 300`), not a
/// count of seconds left that would need rewriting every second.
final class MetricsFile: PairingObserver {
    let path: String
    let logger: Logger
    private let latest = Mutex<(state: PairingState?, metrics: PairingMetrics)>((nil, PairingMetrics()))
    /// The API forwarder's counts, when it runs.
    private let forwarder = Mutex<ForwarderMetrics.Counts?>(nil)
    /// What the file holds: a step that changes both the state and the counts calls
    /// both hooks, and a new status line need not change a single sample.
    private let written = Mutex<String?>(nil)
    /// When the forwarder's counts were last written, and whether a write of them is due:
    /// they change with every request, and a rewrite per request halved the forwarder's
    /// throughput (`Scripts/bench`), so they are written at most once a `forwarderInterval`.
    private let forwarderWrites = Mutex<(last: ContinuousClock.Instant?, due: Bool)>((nil, false))
    static let forwarderInterval = Duration.seconds(1)

    init(directory: String, logger: Logger) {
        path = directory + "/metrics.prom"
        self.logger = logger
    }

    func pairingStateChanged(_ state: PairingState, status: String) {
        latest.withLock { $0.state = state }
        write()
    }

    func metricsChanged(_ metrics: PairingMetrics, state: PairingState) {
        latest.withLock { $0 = (state, metrics) }
        write()
    }

    func engineAlive() {}

    /// A forwarded request was answered (on one of the forwarder's threads, many at once):
    /// written now when the counts were not written within the interval, else once at its
    /// end (one wake-up while requests flow, none when they stop).
    func forwarderChanged(_ counts: ForwarderMetrics.Counts) {
        forwarder.withLock { $0 = counts }
        let now = ContinuousClock.now
        let wait = forwarderWrites.withLock { writes -> Duration? in
            guard !writes.due else { return nil }  // the write already due will carry these counts
            if let last = writes.last, now - last < Self.forwarderInterval {
                writes.due = true
                return Self.forwarderInterval - (now - last)
            }
            writes.last = now
            return .zero
        }
        guard let wait else { return }
        guard wait > .zero else { return write() }
        Task { [self] in
            try? await Task.sleep(for: wait)
            forwarderWrites.withLock { $0 = (ContinuousClock.now, false) }
            write()
        }
    }

    /// One writer at a time, each writing what is latest when its turn comes: writers
    /// racing on the same temporary file lost their rename (and an older text could land
    /// after a newer one) when the forwarder's threads answered requests together.
    private func write() {
        written.withLock { old in
            let current = latest.withLock { $0 }
            guard let state = current.state else { return }
            let text = Self.render(state: state, metrics: current.metrics, forwarder: forwarder.withLock { $0 })
            guard old != text else { return }
            do {
                try SystemFiles.writeAtomically(Array(text.utf8), to: path, mode: 0o644)
                old = text
            } catch {
                old = nil  // try again at the next change
                logger.warning("cannot write the metrics to \(path): \(error)")
            }
        }
    }

    /// The Prometheus text exposition format (version 0.0.4).
    static func render(state: PairingState, metrics: PairingMetrics, forwarder: ForwarderMetrics.Counts? = nil) -> String {
        var text = ""
        func family(_ name: String, _ type: String, _ help: String, _ samples: [(labels: String, value: String)]) {
            text += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
            for sample in samples { text += "\(name)\(sample.labels) \(sample.value)\n" }
        }
        func seconds(_ time: WallTime) -> String { String(Int64(time.timeIntervalSince1970.rounded(.down))) }
        func byReason(_ counts: [String: Int]) -> [(labels: String, value: String)] {
            counts.sorted { $0.key < $1.key }.map { ("{reason=\"\($0.key)\"}", String($0.value)) }
        }
        family("deviceauthd_state", "gauge", "The pairing state: 1 for the current one.",
               ["unpaired", "polling", "authorized", "refreshing"].map { ("{state=\"\($0)\"}", $0 == state.name ? "1" : "0") })
        family("deviceauthd_access_token_expiry_timestamp_seconds", "gauge",
               "When the current access token expires, in Unix time; absent without one.",
               state.grant.map { [("", seconds($0.accessExpiresAt))] } ?? [])
        family("deviceauthd_refreshes_total", "counter", "Token refreshes that succeeded since the daemon started.",
               [("", String(metrics.refreshes))])
        family("deviceauthd_refresh_failures_total", "counter", "Token refreshes that failed, by reason.", byReason(metrics.refreshFailures))
        family("deviceauthd_pairing_failures_total", "counter", "Pairing-code requests and polls that failed, by reason (pending and slow_down are not failures).",
               byReason(metrics.pairingFailures))
        family("deviceauthd_pairings_total", "counter", "Pairings and logins that gave the device tokens.", [("", String(metrics.pairings))])
        family("deviceauthd_authorizations_lost_total", "counter", "Authorizations the provider ended, by reason.",
               byReason(metrics.authorizationsLost))
        family("deviceauthd_stores_set_aside_total", "counter",
               "Token stores that could not be read (key missing or wrong, corrupt, newer schema) and were set aside.",
               [("", String(metrics.storesSetAside))])
        family("deviceauthd_last_refresh_timestamp_seconds", "gauge", "When the tokens were last refreshed, in Unix time.",
               metrics.lastRefresh.map { [("", seconds($0))] } ?? [])
        if let forwarder {
            family("deviceauthd_forwarder_requests_total", "counter",
                   "Requests through the API forwarder, by the class of the status answered (its own refusals included).",
                   ["2xx", "3xx", "4xx", "5xx"].map { ("{class=\"\($0)\"}", String(forwarder.byClass[$0, default: 0])) })
            family("deviceauthd_forwarder_refreshes_on_401_total", "counter",
                   "Refreshes a 401 from the provider to a forwarded request caused.", [("", String(forwarder.refreshesOn401))])
        }
        family("deviceauthd_build_info", "gauge", "The running release.", [("{version=\"\(DeviceAuthVersion.current)\"}", "1")])
        return text
    }
}

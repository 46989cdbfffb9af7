// SPDX-License-Identifier: Apache-2.0
import Primitives
extension PairingEngine {
    /// Counts what one step of the machine did; tells the observer when anything changed.
    func recordMetrics(_ event: PairingEvent, before: PairingState, effects: [PairingEffect], now: Moment) {
        let old = metrics
        if case .refreshAnswered(_, .failure(let failure)) = event {
            metrics.refreshFailures[failure.reasonLabel, default: 0] += 1
            if before.grant != nil, state.grant == nil {
                metrics.authorizationsLost[failure.reasonLabel, default: 0] += 1
            }
        }
        switch event {
        case .deviceCodeFailed(let failure), .pollAnswered(_, .failure(let failure)):
            switch failure {
            case .pending, .slowDown: break  // the provider pacing the poll, as it should
            default: metrics.pairingFailures[failure.reasonLabel, default: 0] += 1
            }
        default: break
        }
        for case .log(let log) in effects {
            switch log.kind {
            case .refreshed:
                metrics.refreshes += 1
                metrics.lastRefresh = now.wall
            case .paired: metrics.pairings += 1
            default: break
            }
        }
        if metrics != old { observer.metricsChanged(metrics, state: state) }
    }
}

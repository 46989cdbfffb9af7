// SPDX-License-Identifier: Apache-2.0
@testable import DeviceAuth
import Foundation
import Testing

/// Every event in every state: the state it leads to, and the one request
/// (HTTP call, store write) that must follow, if any. Anything not listed
/// leaves the state as it was and asks for nothing.
@Suite("Pairing machine: every event in every state")
struct PairingMachineMatrixTests {
    struct Expectation: Sendable {
        let state: String
        let request: (@Sendable (PairingEffect) -> Bool)?
    }

    static func to(_ state: String, _ request: (@Sendable (PairingEffect) -> Bool)? = nil) -> Expectation { Expectation(state: state, request: request) }
    static let requestsCode: @Sendable (PairingEffect) -> Bool = { $0 == .requestDeviceCode }
    static let refreshes: @Sendable (PairingEffect) -> Bool = { if case .refresh = $0 { true } else { false } }
    static let polls: @Sendable (PairingEffect) -> Bool = { if case .poll = $0 { true } else { false } }
    static let persists: @Sendable (PairingEffect) -> Bool = { if case .persist = $0 { true } else { false } }
    static let wipes: @Sendable (PairingEffect) -> Bool = { $0 == .wipeStore }
    static let schedulesRetry: @Sendable (PairingEffect) -> Bool = { if case .schedule = $0 { true } else { false } }

    static let discards: @Sendable (PairingEffect) -> Bool = { if case .revokeDiscarded = $0 { true } else { false } }

    /// (state, event) → expectation; the rest must be "no change, no request".
    static let table: [String: Expectation] = rules.merging(lateTokens) { rule, _ in rule }

    /// Tokens that arrive where nothing expects them are revoked, never kept.
    static let lateTokens: [String: Expectation] = Dictionary(uniqueKeysWithValues:
        Fixtures.allStates.flatMap { name, state in
            ["poll(granted)", "poll(stale code)", "refresh(ok)", "refresh(stale)"].map { ("\(name) \($0)", to(state.name, discards)) }
        })

    static let rules: [String: Expectation] = [
        "unpaired started(nil)": to("polling", requestsCode),
        "unpaired started(grant)": to("authorized", { if case .fetchDeviceInfo = $0 { true } else { false } }),
        "unpaired pair": to("polling", requestsCode),
        "unpaired unpair": to("unpaired", wipes),
        "requesting cancel": to("unpaired"),
        "requesting unpair": to("unpaired", wipes),
        "requesting codeIssued": to("polling", schedulesRetry),
        "requesting codeFailed(network)": to("polling", schedulesRetry),
        "requesting codeFailed(invalid_client)": to("unpaired"),
        "requesting timer(requestCode)": to("polling", requestsCode),
        "polling cancel": to("unpaired"),
        "polling unpair": to("unpaired", wipes),
        "polling poll(granted)": to("authorized", persists),
        "polling poll(pending)": to("polling", schedulesRetry),
        "polling poll(slow_down)": to("polling", schedulesRetry),
        "polling poll(pending, new interval)": to("polling", schedulesRetry),
        "polling poll(expired_token)": to("polling", requestsCode),
        "polling poll(access_denied)": to("unpaired"),
        "polling poll(invalid_client)": to("unpaired"),
        "polling poll(invalid_grant)": to("polling", schedulesRetry),
        "polling poll(503)": to("polling", schedulesRetry),
        "polling timer(poll)": to("polling", polls),
        "polling timer(codeExpiry)": to("polling", requestsCode),
        "authorized unpair": to("unpaired", { if case .revoke = $0 { true } else { false } }),
        "authorized info(ok)": to("authorized"),
        "authorized refreshRequested": to("refreshing", refreshes),
        "refreshing refreshRequested": to("refreshing", refreshes),
        "authorized refreshForced": to("refreshing", refreshes),
        "refreshing refreshForced": to("refreshing", refreshes),
        "authorized info(401)": to("refreshing", refreshes),
        "authorized heartbeat(401)": to("refreshing", refreshes),
        "authorized timer(refresh)": to("refreshing", refreshes),
        "authorized timer(heartbeat)": to("authorized", { if case .sendHeartbeat = $0 { true } else { false } }),
        "authorized timer(persistRetry)": to("authorized", persists),
        "authorized persistFailed": to("authorized", schedulesRetry),
        "refreshing unpair": to("unpaired", { if case .revoke = $0 { true } else { false } }),
        "refreshing refresh(ok)": to("authorized", persists),
        "refreshing refresh(network)": to("refreshing", schedulesRetry),
        "refreshing refresh(429)": to("refreshing", schedulesRetry),
        "refreshing refresh(401)": to("polling", wipes),
        "refreshing refresh(invalid_grant)": to("polling", wipes),
        "refreshing refresh(reused)": to("polling", wipes),
        // invalid_request where the dialect does not mean "already used": not definite.
        "refreshing refresh(invalid_request, other dialect)": to("refreshing", schedulesRetry),
        "refreshing refresh(invalid_client)": to("refreshing", schedulesRetry),
        // Only a definite answer ends an authorization; these keep the tokens and retry.
        "refreshing refresh(403)": to("refreshing", schedulesRetry),
        "refreshing refresh(302)": to("refreshing", schedulesRetry),
        "refreshing refresh(400 without error)": to("refreshing", schedulesRetry),
        "refreshing refresh(bad_request)": to("refreshing", schedulesRetry),
        "refreshing refresh(garbled)": to("refreshing", schedulesRetry),
        "refreshing info(ok)": to("refreshing"),
        "refreshing timer(refresh)": to("refreshing", refreshes),
        "refreshing timer(heartbeat)": to("refreshing", schedulesRetry),
        "refreshing timer(persistRetry)": to("refreshing", persists),
        "refreshing persistFailed": to("refreshing", schedulesRetry),
    ]

    static let cases: [(String, String)] = Fixtures.allStates.flatMap { state in Fixtures.allEvents.map { (state.0, $0.0) } }

    @Test("transition", arguments: cases)
    func transition(_ stateName: String, _ eventName: String) {
        let state = Fixtures.allStates.first { $0.0 == stateName }!.1
        let event = Fixtures.allEvents.first { $0.0 == eventName }!.1
        let step = PairingMachine(policy: PairingPolicy()).transition(state, event, now: Fixtures.moment(), random: 0.5)
        if let expected = Self.table["\(stateName) \(eventName)"] {
            #expect(step.state.name == expected.state)
            if let request = expected.request {
                #expect(step.effects.contains(where: request), "effects: \(step.effects)")
            }
        } else {
            #expect(step.state == state, "\(stateName) + \(eventName) must change nothing")
            #expect(step.requests.allSatisfy { if case .cancel = $0 { true } else { false } },
                    "\(stateName) + \(eventName) must ask for nothing, asked \(step.requests)")
        }
        // Whatever happens, a STATUS line starts with the state's name and a colon.
        #expect(step.state.statusLine().hasPrefix(step.state.name + ": "))
    }

    @Test("The table names only real states and events")
    func tableIsWellFormed() {
        for key in Self.table.keys {
            #expect(Self.cases.contains { "\($0.0) \($0.1)" == key }, "\(key)")
        }
    }
}

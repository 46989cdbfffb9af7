// SPDX-License-Identifier: Apache-2.0
import Primitives
@testable import DeviceAuth
@testable import OAuthProvider
import Foundation
import Testing

/// The rules of docs/providers.md §1 and docs/architecture.md, one at a time.
@Suite("Pairing machine rules")
struct PairingMachineTests {
    let machine = PairingMachine(policy: PairingPolicy())
    func step(_ state: PairingState, _ event: PairingEvent, at offset: Double = 0, random: Double = 0.5) -> PairingMachine.Step {
        machine.transition(state, event, now: Fixtures.moment(offset), random: random)
    }

    @Test("A new code is polled after its interval and renewed when it expires")
    func codeIssued() {
        let result = step(Fixtures.requesting, .deviceCodeIssued(Fixtures.session))
        #expect(result.schedules(.poll) == 5)
        #expect(result.schedules(.codeExpiry) == 120)
        #expect(result.state.statusLine().hasPrefix("polling: waiting for approval of the pairing code (expires "))
        #expect(!result.state.statusLine().contains("123456"), "STATUS is readable by every user")
    }

    @Test("slow_down adds 5 s to the interval, for good, each time")
    func slowDown() {
        let first = step(Fixtures.polling, .pollAnswered(deviceCode: "DC-1", .failure(.slowDown(interval: nil))))
        #expect(first.schedules(.poll) == 10)
        let second = step(first.state, .pollAnswered(deviceCode: "DC-1", .failure(.slowDown(interval: nil))))
        #expect(second.schedules(.poll) == 15)
        let pending = step(second.state, .pollAnswered(deviceCode: "DC-1", .failure(.pending(interval: nil))))
        #expect(pending.schedules(.poll) == 15)
    }

    @Test("A poll answer's own interval is honoured: a new one on pending, a longer one on slow_down")
    func serverInterval() {
        let pending = step(Fixtures.polling, .pollAnswered(deviceCode: "DC-1", .failure(.pending(interval: 12))))
        #expect(pending.schedules(.poll) == 12)
        let next = step(pending.state, .pollAnswered(deviceCode: "DC-1", .failure(.pending(interval: nil))))
        #expect(next.schedules(.poll) == 12)
        let slow = step(next.state, .pollAnswered(deviceCode: "DC-1", .failure(.slowDown(interval: 30))))
        #expect(slow.schedules(.poll) == 30)
        let faster = step(Fixtures.polling, .pollAnswered(deviceCode: "DC-1", .failure(.pending(interval: 0.01))))
        #expect(faster.schedules(.poll) == 1)
    }

    @Test("error_description reaches STATUS on one bounded line, escaped")
    func errorDescription() {
        let hostile = "line one\nline \"two\"\u{1B}[31m" + String(repeating: "x", count: 500)
        let result = step(Fixtures.refreshing, .refreshAnswered(refreshToken: "RT-1", .failure(.refused(ServerError("bad_request", text: hostile)))))
        let line = result.state.statusLine()
        #expect(line.contains("bad_request: \"line one?line ?two??[31mxxx"))
        #expect(!line.contains("\n") && !line.contains("\u{1B}"))
        #expect(line.count < 400)
    }

    @Test("A renewed code is logged as code renewed")
    func codeRenewal() {
        let expired = step(Fixtures.polling, .timerFired(.codeExpiry))
        #expect(expired.effects.contains(.requestDeviceCode))
        #expect(expired.effects.contains(.cancel(.poll)))
        var second = Fixtures.session
        second.deviceCode = "DC-2"
        let renewed = step(expired.state, .deviceCodeIssued(second))
        #expect(renewed.logs.contains { $0.kind == .codeRenewed })
    }

    @Test("Network errors while polling back off, but never poll faster than the interval")
    func pollBackoff() {
        var state = Fixtures.polling
        var delays: [Double] = []
        for _ in 0..<6 {
            let result = step(state, .pollAnswered(deviceCode: "DC-1", .failure(.network("reset"))), random: 1)
            delays.append(result.schedules(.poll) ?? -1)
            state = result.state
        }
        #expect(delays == [5, 5, 5, 8, 16, 32])
        #expect(state.statusLine().contains("network error: reset"))
    }

    @Test("A network fault's log line carries its kind's MESSAGE_ID, and its metrics label is the kind; other failures carry none")
    func networkFaultLogged() {
        for kind in NetworkFault.Kind.allCases {
            let result = step(Fixtures.polling, .pollAnswered(deviceCode: "DC-1", .failure(.network(NetworkFault(kind, "detail")))), random: 1)
            #expect(result.logs.contains { $0.fault == kind && $0.messageID == kind.messageID }, "\(kind)")
            #expect(OAuthFailure.network(NetworkFault(kind, "x")).reasonLabel == kind.rawValue)
        }
        let other = step(Fixtures.polling, .pollAnswered(deviceCode: "DC-1", .failure(.httpStatus(503))), random: 1)
        #expect(other.logs.allSatisfy { $0.messageID == nil })
    }

    @Test("The wall clock set while a request the clock failed waits out its backoff: retried a second later, once per such failure; another fault (a 429) keeps its backoff")
    func clockSetRetries() {
        let waitingForCode = PairingState.polling(.init(session: nil, failures: 2, codesIssued: 0, waitingForClock: true))
        let first = step(waitingForCode, .wallClockSet)
        #expect(first.schedules(.requestCode) == 1)
        // A second step before that retry has failed again: nothing more.
        #expect(step(first.state, .wallClockSet).schedules(.requestCode) == nil)
        #expect(step(.polling(.init(session: nil, failures: 2, codesIssued: 0)), .wallClockSet).schedules(.requestCode) == nil)
        #expect(step(Fixtures.requesting, .wallClockSet).schedules(.requestCode) == nil)
        // A code request refused for the clock marks the wait as the clock's; a 503 does not.
        let clockFault = OAuthFailure.network(NetworkFault(.clockNotSet, "this clock reads 1970"))
        let refused = step(Fixtures.requesting, .deviceCodeFailed(clockFault))
        #expect(step(refused.state, .wallClockSet).schedules(.requestCode) == 1)
        #expect(step(step(Fixtures.requesting, .deviceCodeFailed(.httpStatus(503))).state, .wallClockSet).schedules(.requestCode) == nil)

        guard case .refreshing(var authorized, _) = Fixtures.refreshing else { Issue.record("fixture"); return }
        #expect(step(.refreshing(authorized, failures: 3), .wallClockSet).schedules(.refresh) == nil)
        let limited = step(.refreshing(authorized, failures: 0), .refreshAnswered(refreshToken: authorized.grant.refreshToken, .failure(.rateLimited(retryAfterSeconds: 600))))
        #expect(step(limited.state, .wallClockSet).schedules(.refresh) == nil)
        authorized.waitingForClock = true
        let retried = step(.refreshing(authorized, failures: 3), .wallClockSet)
        #expect(retried.schedules(.refresh) == 1)
        #expect(step(retried.state, .wallClockSet).schedules(.refresh) == nil)
        #expect(step(.refreshing(authorized, failures: 0), .wallClockSet).schedules(.refresh) == nil)
    }

    @Test("Backoff doubles with jitter in its upper half, capped, and honours a 429's wait")
    func backoff() {
        let policy = PairingPolicy()
        #expect(policy.retryDelay(failures: 1, random: 0) == 0.5)
        #expect(policy.retryDelay(failures: 1, random: 1) == 1)
        #expect(policy.retryDelay(failures: 4, random: 1) == 8)
        #expect(policy.retryDelay(failures: 30, random: 1) == 300)
        #expect(policy.retryDelay(failures: 1, random: 0, failure: .rateLimited(retryAfterSeconds: 60)) == 60)
        #expect(policy.retryDelay(failures: 1, random: 0, failure: .rateLimited(retryAfterSeconds: 86_400)) == 300)
    }

    @Test("invalid_client stops pairing with a message that says what to fix, and no retry")
    func invalidClient() {
        let result = step(Fixtures.requesting, .deviceCodeFailed(.clientRejected(ServerError("invalid_client"))))
        #expect(result.state.statusLine().contains("ClientSecretFile="))
        #expect(!result.effects.contains { if case .schedule = $0 { true } else { false } })
        #expect(result.logs.contains { $0.level == .error })
    }

    @Test("Refresh is planned at the configured fraction of the lifetime, less jitter")
    func refreshTiming() {
        var policy = PairingPolicy()
        policy.refreshFraction = 0.75
        policy.refreshJitter = 0.05
        let grant = Fixtures.grant(lifetime: 1000)
        #expect(policy.refreshDelay(for: grant, now: Fixtures.moment(), random: 0) == 750)
        #expect(policy.refreshDelay(for: grant, now: Fixtures.moment(), random: 1) == 700)
        #expect(policy.refreshDelay(for: grant, now: Fixtures.moment(900), random: 0) == 0)
    }

    @Test("A successful refresh is committed before anything else happens")
    func refreshPersistsFirst() {
        let result = step(Fixtures.refreshing, .refreshAnswered(refreshToken: "RT-1", .success(Fixtures.newGrant)))
        #expect(result.requests.first == .persist(Fixtures.newGrant))
        #expect(result.logs.contains { $0.kind == .refreshed })
        #expect(result.state.grant == Fixtures.newGrant)
    }

    @Test("A transient refresh failure keeps the old tokens; a lost authorization wipes them and pairs again")
    func refreshFailures() {
        let transient = step(Fixtures.refreshing, .refreshAnswered(refreshToken: "RT-1", .failure(.httpStatus(503))))
        #expect(transient.state.grant == Fixtures.grant())
        #expect(!transient.effects.contains(.wipeStore))
        let lost = step(Fixtures.refreshing, .refreshAnswered(refreshToken: "RT-1", .failure(.refreshTokenReused(ServerError("invalid_request")))))
        #expect(lost.effects.contains(.wipeStore))
        #expect(lost.effects.contains(.requestDeviceCode))
        #expect(lost.logs.contains { $0.kind == .authorizationLost && $0.message.contains("already used") })
    }

    @Test("Without AutoPair a lost authorization waits, unpaired")
    func noAutoPair() {
        var policy = PairingPolicy()
        policy.autoPair = false
        let machine = PairingMachine(policy: policy)
        let lost = machine.transition(Fixtures.refreshing, .refreshAnswered(refreshToken: "RT-1", .failure(.notAuthorized)), now: Fixtures.moment(), random: 0)
        #expect(lost.state == .unpaired(.authorizationLost("the provider answered 401 to the refresh: the authorization was revoked")))
        #expect(!lost.effects.contains(.requestDeviceCode))
        let start = machine.transition(Fixtures.unpaired, .started(stored: nil), now: Fixtures.moment(), random: 0)
        #expect(start.state == Fixtures.unpaired)
    }

    @Test("Stored tokens: valid → authorized at once; expired → refresh; expired without refresh token → pair")
    func startup() {
        let valid = step(Fixtures.unpaired, .started(stored: Fixtures.grant()))
        #expect(valid.state.name == "authorized")
        #expect(!valid.effects.contains(.requestDeviceCode))
        let expired = step(Fixtures.unpaired, .started(stored: Fixtures.grant(lifetime: 10)), at: 20)
        #expect(expired.state.name == "refreshing")
        #expect(expired.effects.contains(.refresh(Fixtures.grant(lifetime: 10))))
        let dead = step(Fixtures.unpaired, .started(stored: Fixtures.grant(lifetime: 10, refresh: nil)), at: 20)
        #expect(dead.state.name == "polling")
        #expect(dead.effects.contains(.wipeStore))
    }

    @Test("Authorized STATUS names the project and the expiry")
    func authorizedStatus() {
        let line = Fixtures.authorized.statusLine()
        #expect(line.hasPrefix("authorized: project Testbed, token valid until "))
    }

    @Test("No log line or status carries a token or a device code")
    func noSecretsInText() {
        var texts: [String] = []
        for (_, state) in Fixtures.allStates {
            texts.append(state.statusLine())
            for (_, event) in Fixtures.allEvents {
                let result = step(state, event)
                texts.append(result.state.statusLine())
                texts += result.logs.map(\.message)
            }
        }
        for secret in ["AT-1", "AT-2", "RT-1", "RT-2", "DC-1"] {
            #expect(!texts.contains { $0.contains(secret) }, "\(secret) leaked")
        }
        #expect(!"\(Fixtures.grant())".contains("AT-1"))
        #expect(!"\(Fixtures.session)".contains("DC-1"))
    }
}

/// The machine's side of time: tokens from another boot, an untrusted clock, a clock set later.
@Suite("Pairing machine and the clocks")
struct PairingMachineClockTests {
    let machine = PairingMachine(policy: PairingPolicy())
    /// Boot B, with the wall clock at `wall` (not synchronized unless said).
    func bootB(_ wall: WallTime, synchronized: Bool = false) -> Moment {
        Moment(wall: wall, boot: BootInstant(bootID: "boot-B", seconds: 10), wallSynchronized: synchronized)
    }

    @Test("Tokens from an earlier boot at an untrusted clock: refreshed first, or, without a refresh token, kept until refused")
    func untrustedClock() {
        let at1970 = bootB(WallTime(timeIntervalSince1970: 0))
        let withRefresh = machine.transition(Fixtures.unpaired, .started(stored: Fixtures.grant()), now: at1970, random: 0)
        #expect(withRefresh.state.name == "refreshing")
        #expect(withRefresh.requests.contains(.refresh(Fixtures.grant())))
        let alone = Fixtures.grant().with(refresh: nil)
        let kept = machine.transition(Fixtures.unpaired, .started(stored: alone), now: at1970, random: 0)
        #expect(kept.state.name == "authorized")
        // Its timer fires without the age being known: still kept.
        let fired = machine.transition(kept.state, .timerFired(.refresh), now: bootB(WallTime(timeIntervalSince1970: 3600)), random: 0)
        #expect(fired.state.name == "authorized")
        // NTP sets the clock: 7 h of its 8 h have passed, so its end is planned in 1 h, on the boot clock.
        let synced = bootB(Fixtures.now.addingTimeInterval(7 * 3600), synchronized: true)
        let set = machine.transition(kept.state, .wallClockSet, now: synced, random: 0)
        #expect(abs((set.schedules(.refresh) ?? 0) - 3600) < 0.001)
        #expect(set.state.grant?.obtainedBoot == BootInstant(bootID: "boot-B", seconds: 10 - 7 * 3600))
        #expect(set.requests.contains { if case .persist = $0 { true } else { false } })
    }

    @Test("A clock set within the boot that obtained the tokens moves the shown times only")
    func clockSetSameBoot() {
        let ahead = Moment(wall: Fixtures.now.addingTimeInterval(86_400), boot: Fixtures.moment(60).boot, wallSynchronized: true)
        let step = machine.transition(Fixtures.authorized, .wallClockSet, now: ahead, random: 0)
        #expect(step.state.grant?.accessExpiresAt == Fixtures.now.addingTimeInterval(86_400 - 60 + 28_800))
        #expect(step.schedules(.refresh) == nil, "no timer moves")
        #expect(abs((step.state.grant?.remaining(at: ahead) ?? 0) - (28_800 - 60)) < 0.001)
    }
}

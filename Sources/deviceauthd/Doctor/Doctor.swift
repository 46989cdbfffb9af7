// SPDX-License-Identifier: Apache-2.0
import TokenStorage
import Primitives
import ControlProtocol
import CurlHTTP
import DeviceAuth
import OAuthProvider

/// `deviceauthctl doctor`: the daemon checks each link of the chain from itself to the
/// provider, in its own sandbox and with its own settings (what a shell on the camera
/// sees is not what the unit sees: another user, ProtectSystem=, a private /tmp, no
/// proxy variables), and says for each what is wrong and what to do.
///
/// Bounded: each network check has its own timeout and the whole run `budgetSeconds`;
/// what is left when the budget is spent is reported as not tried. Nothing it reports
/// is secret: names, paths, modes, times, fingerprints.
struct Doctor: Sendable {
    let setup: DaemonSetup
    let configPath: String
    let identity: ClientIdentity
    let store: TokenStore
    /// SHA-256 of the token key the store was opened with: a key file replaced since then is named.
    let keyDigest: [UInt8]
    let clock: any DeviceClock
    let profile: ProviderProfile
    /// The control socket as served (systemd's under socket activation).
    let controlSocket: String
    /// The API forwarder's socket as served, when there is a forwarder.
    let forwarderSocket: String?
    let snapshot: @Sendable () async -> PairingSnapshot
    let pairingGroup: @Sendable () -> UInt32?

    static let budgetSeconds = 30.0

    func run() async -> [ControlCheck] {
        var report = DoctorReport(budgetSeconds: Self.budgetSeconds)
        await report.check("config", target: configPath) { configuration() }
        await report.check("secret") { secret() }
        await report.check("token_key") { tokenKey() }
        await report.check("store", target: store.path) { storeHealth() }
        await report.check("identity") { .ok("client id \(identity.clientID) (\(ControlStatus.describeClientIDSource(identity.source.rawValue)))") }
        await report.check("clock") { wallClock() }
        await checkNetwork(&report)
        await report.check("control_socket", target: controlSocket) { socketAccess(controlSocket) }
        // Like the proxy's, only where there is one.
        if let forwarderSocket { await report.check("forwarder_socket", target: forwarderSocket) { socketAccess(forwarderSocket) } }
        await report.check("qr_files", target: setup.runtimeDirectory) { await qrFiles() }
        await report.check("token") { await tokenTime() }
        return report.checks
    }
}

/// What one check found.
struct Finding {
    var verdict: ControlCheck.Verdict
    var detail: String
    var advice: String?

    static func ok(_ detail: String) -> Finding { Finding(verdict: .ok, detail: detail) }
    static func warning(_ detail: String, _ advice: String) -> Finding { Finding(verdict: .warning, detail: detail, advice: advice) }
    static func failed(_ detail: String, _ advice: String) -> Finding { Finding(verdict: .failed, detail: detail, advice: advice) }
    static func skipped(_ detail: String) -> Finding { Finding(verdict: .skipped, detail: detail) }
}

/// The checks as they ran, timed, within the whole run's budget.
struct DoctorReport {
    private let deadline: ContinuousClock.Instant
    private(set) var checks: [ControlCheck] = []

    init(budgetSeconds: Double) { deadline = .now + .milliseconds(Int64(budgetSeconds * 1000)) }

    /// What a check may wait for: its own limit, or what is left of the whole run's (at least 1 s).
    struct Budget {
        let deadline: ContinuousClock.Instant
        func seconds(atMost limit: Double) -> Double {
            let left = deadline - .now
            return max(1, min(limit, Double(left.components.seconds) + Double(left.components.attoseconds) / 1e18))
        }
    }

    var spent: Bool { ContinuousClock.now >= deadline }

    /// Whether a check of this name and target failed or was not tried: a link the later ones need.
    func broken(_ name: String, target: String?) -> Bool {
        checks.contains { $0.name == name && $0.target == target && ($0.verdict == ControlCheck.Verdict.failed.rawValue || $0.verdict == ControlCheck.Verdict.skipped.rawValue) }
    }

    func has(_ name: String, target: String?) -> Bool { checks.contains { $0.name == name && $0.target == target } }

    mutating func check(_ name: String, target: String? = nil, _ body: () async -> Finding) async {
        await check(name, target: target) { (_: Budget) in await body() }
    }

    mutating func check(_ name: String, target: String? = nil, _ body: (Budget) async -> Finding) async {
        guard !spent else {
            checks.append(ControlCheck(name, target: target, .skipped, "not tried: the doctor's \(Int(Doctor.budgetSeconds)) s were used up by the checks before"))
            return
        }
        let start = ContinuousClock.now
        let finding = await body(Budget(deadline: deadline))
        let took = ContinuousClock.now - start
        let milliseconds = Int(took.components.seconds) * 1000 + Int(took.components.attoseconds / 1_000_000_000_000_000)
        checks.append(ControlCheck(name, target: target, finding.verdict, finding.detail, advice: finding.advice, milliseconds: milliseconds))
    }
}

// SPDX-License-Identifier: Apache-2.0
/// One line of `doctor`'s answer: one link of the chain from this daemon to the
/// provider, checked by the daemon itself (its sandbox, its settings), with a verdict
/// and, when it is not good, what to do. Never a secret: names, paths, modes, times.
public struct ControlCheck: Codable, Equatable, Sendable {
    public enum Verdict: String, Sendable, CaseIterable {
        case ok
        /// Works, but will disappoint (an unsynchronized clock, not paired yet).
        case warning
        /// Broken: this is why pairing or refreshing fails.
        case failed
        /// Not tried: a link before it failed, or it does not apply.
        case skipped
    }

    /// What was checked: `config`, `secret`, `token_key`, `store`, `identity`, `clock`,
    /// `dns`, `tcp`, `proxy`, `tls`, `http`, `control_socket`, `qr_files`, `token`.
    public var name: String
    /// What it was checked on: a host and port, a path (absent when there is one thing).
    public var target: String?
    public var verdict: String
    public var detail: String
    /// What to do about it (absent when the verdict is `ok`).
    public var advice: String?
    /// How long the check took.
    public var milliseconds: Int?

    public init(_ name: String, target: String? = nil, _ verdict: Verdict, _ detail: String, advice: String? = nil, milliseconds: Int? = nil) {
        self.name = name
        self.target = target
        self.verdict = verdict.rawValue
        self.detail = detail
        self.advice = advice
        self.milliseconds = milliseconds
    }
}

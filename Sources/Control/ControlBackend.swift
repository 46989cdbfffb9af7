import ControlProtocol
import DeviceAuth

/// What the control socket drives: the engine, seen from outside.
///
/// Contract for implementers: `pair`, `cancel` and `unpair` have taken effect
/// when they return (a `status` right after shows it); `updates` starts with
/// the current snapshot; `token` answers within a bounded time.
public protocol ControlBackend: Sendable {
    func snapshot() async -> PairingSnapshot
    func updates() async -> AsyncStream<PairingSnapshot>
    func pair() async
    func cancelPairing() async
    func unpair() async -> RevokeOutcome
    func token(minValidSeconds: Double) async throws -> Grant
}

extension PairingEngine: ControlBackend {
    public func snapshot() async -> PairingSnapshot { snapshot }
    public func unpair() async -> RevokeOutcome { await unpair(revokeWait: .seconds(10)) }
}

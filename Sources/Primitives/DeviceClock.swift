// SPDX-License-Identifier: Apache-2.0
/// The engine's sense of time: readings of both clocks, sleeping on the boot
/// clock, and news of the wall clock being set.
///
/// Contract for implementers: `now()` is cheap and never fails; `sleep(untilBoot:)`
/// returns once the boot clock has reached `deadline` (suspend counts as time
/// passing) or throws `CancellationError` as soon as its task is cancelled;
/// `wallClockChanges()` yields once per discontinuous change of the wall clock
/// (NTP stepping it, `date -s`), never for its normal ticking, and ends when
/// the stream is dropped. The daemon uses the system's clocks; tests drive a
/// manual clock, so no test waits for a timer in real time.
public protocol DeviceClock: Sendable {
    func now() -> Moment
    func sleep(untilBoot deadline: Double) async throws
    func wallClockChanges() -> AsyncStream<Void>
}

extension DeviceClock {
    /// Sleeps `seconds` on the boot clock, from now.
    public func sleep(seconds: Double) async throws {
        try await sleep(untilBoot: now().boot.seconds + seconds)
    }
}

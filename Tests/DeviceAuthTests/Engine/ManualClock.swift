// SPDX-License-Identifier: Apache-2.0
import Primitives
import Foundation
import Synchronization

/// A `DeviceClock` the test drives: time moves only when told, sleepers wake
/// when the boot clock reaches their deadline, and setting the wall clock is
/// announced as the kernel would. No test waits for a timer in real time.
final class ManualClock: DeviceClock {
    private struct Sleeper {
        let deadline: Double
        let continuation: CheckedContinuation<Void, any Error>
    }
    private struct State {
        var wall: WallTime
        var boot: Double
        var bootID: String
        var synchronized: Bool
        var sleepers: [Int: Sleeper] = [:]
        var cancelled: Set<Int> = []
        var nextID = 0
        var wallWatchers: [Int: AsyncStream<Void>.Continuation] = [:]
    }
    private let state: Mutex<State>

    init(wall: WallTime = Fixtures.now, boot: Double = Fixtures.bootNow, bootID: String = Fixtures.bootID, synchronized: Bool = true) {
        state = Mutex(State(wall: wall, boot: boot, bootID: bootID, synchronized: synchronized))
    }

    func now() -> Moment {
        state.withLock { Moment(wall: $0.wall, boot: BootInstant(bootID: $0.bootID, seconds: $0.boot), wallSynchronized: $0.synchronized) }
    }

    func sleep(untilBoot deadline: Double) async throws {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let outcome: Result<Void, any Error>? = state.withLock { state in
                    if state.cancelled.remove(id) != nil { return .failure(CancellationError()) }
                    if deadline <= state.boot { return .success(()) }
                    state.sleepers[id] = Sleeper(deadline: deadline, continuation: continuation)
                    return nil
                }
                if let outcome { continuation.resume(with: outcome) }
            }
        } onCancel: {
            let sleeper = state.withLock { state in
                guard let sleeper = state.sleepers.removeValue(forKey: id) else {
                    state.cancelled.insert(id)
                    return nil as Sleeper?
                }
                return sleeper
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    func wallClockChanges() -> AsyncStream<Void> {
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self)
        state.withLock { state in
            state.nextID += 1
            state.wallWatchers[state.nextID] = continuation
        }
        return stream
    }

    /// Both clocks move on by `seconds` (a suspend does the same: the boot clock counts it).
    func advance(by seconds: Double) {
        let due = state.withLock { state in
            state.wall = state.wall.addingTimeInterval(seconds)
            state.boot += seconds
            let boot = state.boot
            let due = state.sleepers.filter { $0.value.deadline <= boot }
            for id in due.keys { state.sleepers[id] = nil }
            return due.values.sorted { $0.deadline < $1.deadline }
        }
        for sleeper in due { sleeper.continuation.resume() }
    }

    /// The wall clock is set to `wall` (NTP, `date -s`); the boot clock does not move.
    func setWall(_ wall: WallTime, synchronized: Bool = true) {
        let watchers = state.withLock { state in
            state.wall = wall
            state.synchronized = synchronized
            return Array(state.wallWatchers.values)
        }
        for watcher in watchers { watcher.yield() }
    }

    /// How many sleeps are pending (a timer planned, a grace period running…).
    var sleepers: [Double] { state.withLock { $0.sleepers.values.map(\.deadline).sorted() } }
}

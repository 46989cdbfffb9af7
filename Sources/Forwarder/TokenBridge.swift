// SPDX-License-Identifier: Apache-2.0
import Threads

/// The engine is async; libmicrohttpd's connection threads are not: a connection's
/// thread waits here (never one of Swift's) while a task asks the engine.
enum TokenBridge {
    private final class Slot<T: Sendable>: @unchecked Sendable {
        let lock = ConditionLock()
        var result: Result<T, ForwarderTokenError>?
    }

    static func wait<T: Sendable>(_ body: @escaping @Sendable () async throws(ForwarderTokenError) -> T) -> Result<T, ForwarderTokenError> {
        let slot = Slot<T>()
        Task {
            let result: Result<T, ForwarderTokenError>
            do throws(ForwarderTokenError) { result = .success(try await body()) } catch { result = .failure(error) }
            slot.lock.locked {
                slot.result = result
                slot.lock.broadcast()
            }
        }
        return slot.lock.locked {
            while slot.result == nil { slot.lock.wait() }
            return slot.result!
        }
    }
}

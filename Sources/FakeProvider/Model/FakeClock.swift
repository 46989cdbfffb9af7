// SPDX-License-Identifier: Apache-2.0
import Foundation
import Synchronization

/// Where the fake provider reads the time.
///
/// Device-code expiry, polling intervals, token lifetimes and auto-approval
/// all read this clock, so in-process tests can step through minutes of
/// protocol without sleeping. Implementations must never go backwards.
public protocol FakeClock: Sendable {
    func now() -> Date
}

/// The real wall clock, used by the `deviceauth-fake-provider` program.
public struct SystemClock: FakeClock {
    public init() {}
    public func now() -> Date { Date() }
}

/// A clock that moves only when a test tells it to.
public final class ManualClock: FakeClock {
    private let current: Mutex<Date>

    public init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) {
        current = Mutex(start)
    }

    public func now() -> Date { current.withLock { $0 } }

    public func advance(by seconds: Double) {
        precondition(seconds >= 0, "a ManualClock never goes backwards")
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }
}

// SPDX-License-Identifier: Apache-2.0
import Primitives
/// A certificate "expired" or "not yet valid" by a clock that is not set says nothing
/// about the certificate: a camera without a battery-backed clock boots at 1970 and
/// stays there until NTP answers. Such a fault is the clock's (`clockNotSet`): STATUS
/// says so, and the retry comes when the clock is set (`PairingMachine.wallClockSet`).
public struct ClockCheckedTransport: HTTPTransport {
    let base: any HTTPTransport
    let clock: any DeviceClock

    public init(_ base: any HTTPTransport, clock: any DeviceClock) {
        self.base = base
        self.clock = clock
    }

    public func perform(_ call: HTTPCall) async throws(OAuthFailure) -> HTTPAnswer {
        do {
            return try await base.perform(call)
        } catch .network(let fault) {
            throw .network(Self.blamingTheClock(fault, now: clock.now()))
        }
    }

    /// `fault` as this clock explains it: a certificate's dates failing while the clock is
    /// not set are the clock's (`clockNotSet`, saying what it reads); any other fault as it is.
    /// The doctor's TLS check reads its handshake's fault through this too.
    public static func blamingTheClock(_ fault: NetworkFault, now: Moment) -> NetworkFault {
        guard fault.kind == .tlsDates, clockLooksUnset(now) else { return fault }
        return NetworkFault(.clockNotSet, "this clock reads \(TimeText.dateTime(now.wall))"
            + (now.wallSynchronized ? "" : " and is not synchronized") + "; \(fault.detail)")
    }

    /// Not synchronized (no timesyncd flag yet), or earlier than this release could be running.
    static func clockLooksUnset(_ now: Moment) -> Bool {
        !now.wallSynchronized || now.wall < DeviceAuthVersion.earliestPlausibleTime
    }
}

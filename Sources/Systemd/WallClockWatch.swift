// SPDX-License-Identifier: Apache-2.0
import Threads
import CLinux
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Reports each discontinuous change of the wall clock (NTP stepping it, `date -s`).
/// A timerfd on CLOCK_REALTIME, armed for the end of time with
/// TFD_TIMER_CANCEL_ON_SET, fails its read with ECANCELED whenever the clock is
/// set; a thread of its own waits on it (a blocking wait must not hold one of
/// Swift's few cooperative threads), and an eventfd tells that thread to end
/// when the stream is dropped.
final class WallClockWatch: Sendable {
    let timer: Int32
    let stop: Int32
    let continuation: AsyncStream<Void>.Continuation

    private init(timer: Int32, stop: Int32, continuation: AsyncStream<Void>.Continuation) {
        self.timer = timer
        self.stop = stop
        self.continuation = continuation
    }

    static func start() -> AsyncStream<Void> {
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let timer = timerfd_create(CLOCK_REALTIME, Int32(TFD_CLOEXEC))
        let stop = eventfd(0, Int32(EFD_CLOEXEC))
        guard timer >= 0, stop >= 0, arm(timer) else {
            // No news of clock changes: lifetimes still run on the boot clock, only shown times may
            // lag a step. Said, not silent (the journal gets stderr under systemd).
            var line = Array("deviceauthd: the wall clock's steps cannot be watched (\(String(cString: strerror(errno)))): times shown may lag a clock step\n".utf8)
            _ = line.withUnsafeMutableBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
            if timer >= 0 { close(timer) }
            if stop >= 0 { close(stop) }
            continuation.finish()
            return stream
        }
        let watch = WallClockWatch(timer: timer, stop: stop, continuation: continuation)
        continuation.onTermination = { _ in
            var one: UInt64 = 1
            _ = write(stop, &one, 8)
        }
        if !startDetachedThread({ watch.wait() }) {
            close(timer)
            close(stop)
            continuation.finish()
        }
        return stream
    }

    private func wait() {
        defer {
            close(timer)
            close(stop)
        }
        var fds = [pollfd(fd: timer, events: Int16(POLLIN), revents: 0), pollfd(fd: stop, events: Int16(POLLIN), revents: 0)]
        while true {
            guard poll(&fds, 2, -1) >= 0 || errno == EINTR else { return }
            if fds[1].revents != 0 { return }
            guard fds[0].revents != 0 else { continue }
            var expirations: UInt64 = 0
            if read(timer, &expirations, 8) < 0 {
                guard errno == ECANCELED else { if errno == EINTR || errno == EAGAIN { continue } else { return } }
                continuation.yield()
            }
            // After a change (or an expiry, should the end of time come) the timer must be armed again.
            guard Self.arm(timer) else { return }
        }
    }

    /// Armed a century ahead of now, in 64 bits (the kernel's 64-bit call where `time_t`
    /// is 32 bits). It was `time_t.max / 2`: in 2004 where `time_t` is 32 bits wide, so the
    /// timer fired at once and was armed again forever, a thread at 100 % CPU. Should the
    /// kernel refuse a date past 2038 (a 32-bit system without the 64-bit call), the last
    /// second a 32-bit `time_t` holds is the deadline while it is still ahead.
    private static func arm(_ timer: Int32) -> Bool {
        let flags = Int32(TFD_TIMER_ABSTIME) | Int32(TFD_TIMER_CANCEL_ON_SET)
        for deadline in deadlines(now: deviceauth_clock_nanoseconds(CLOCK_REALTIME) / 1_000_000_000) where deviceauth_timerfd_arm(timer, flags, deadline, 0) == 0 {
            return true
        }
        return false
    }

    /// The deadlines to try, best first: none is in the past, so an armed timer never fires at once.
    static func deadlines(now: Int64) -> [Int64] {
        let century: Int64 = 100 * 365 * 86_400
        let far = max(now, 0).addingReportingOverflow(century)
        return (far.overflow ? [] : [far.partialValue]) + (now < Int64(Int32.max) - 86_400 ? [Int64(Int32.max)] : [])
    }
}

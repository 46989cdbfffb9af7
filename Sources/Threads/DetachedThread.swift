// SPDX-License-Identifier: Apache-2.0
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Starts `body` on a thread of its own (a detached pthread), for work that waits in
/// the kernel (poll, sigwait, a libcurl transfer) and so must not hold one of Swift's
/// few pool threads. False when the system refuses a thread; `body` is then not run.
public func startDetachedThread(_ body: @escaping () -> Void) -> Bool {
    final class Start {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }
    let context = Unmanaged.passRetained(Start(body)).toOpaque()
    var thread = pthread_t()
    guard pthread_create(&thread, nil, { context in
        Unmanaged<Start>.fromOpaque(context!).takeRetainedValue().body()
        return nil
    }, context) == 0 else {
        Unmanaged<Start>.fromOpaque(context).release()
        return false
    }
    pthread_detach(thread)
    return true
}

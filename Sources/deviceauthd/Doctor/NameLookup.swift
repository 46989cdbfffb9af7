// SPDX-License-Identifier: Apache-2.0
import Synchronization
import Threads
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A host name resolved as libcurl will resolve it: getaddrinfo(3) in the daemon's
/// own sandbox (its /etc/hosts, resolv.conf and nsswitch), bounded in time.
/// getaddrinfo cannot be interrupted: it runs on a thread of its own, and a lookup that
/// overruns is answered "timed out" while its thread finishes by itself (the resolver's
/// own timeouts end it), holding nothing of ours.
enum NameLookup {
    enum Failure: Error, CustomStringConvertible {
        case notFound(String)
        case timedOut(seconds: Int)

        var description: String {
            switch self {
            case .notFound(let why): why
            case .timedOut(let seconds): "no answer from the resolver in \(seconds) s"
            }
        }
    }

    /// The addresses (`127.0.0.1`, `::1`), in the resolver's order.
    static func resolve(_ host: String, timeoutSeconds: Int) async -> Result<[String], Failure> {
        /// The first of the answer and the timeout resumes the caller; the other finds nothing to do.
        final class Once: Sendable {
            let continuation: Mutex<CheckedContinuation<Result<[String], Failure>, Never>?>
            let timer = Mutex<Task<Void, Never>?>(nil)
            init(_ continuation: CheckedContinuation<Result<[String], Failure>, Never>) { self.continuation = Mutex(continuation) }
            func resume(_ result: Result<[String], Failure>) {
                continuation.withLock { $0.take() }?.resume(returning: result)
                timer.withLock { $0.take() }?.cancel()
            }
        }
        return await withCheckedContinuation { continuation in
            let once = Once(continuation)
            guard startDetachedThread({ once.resume(lookUp(host)) }) else {
                return once.resume(.failure(.notFound("cannot start a thread for the look-up")))
            }
            let timer = Task {
                guard (try? await Task.sleep(for: .seconds(timeoutSeconds))) != nil else { return }
                once.resume(.failure(.timedOut(seconds: timeoutSeconds)))
            }
            once.timer.withLock { $0 = timer }
        }
    }

    private static func lookUp(_ host: String) -> Result<[String], Failure> {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &list)
        guard status == 0 else {
            let words = status == EAI_SYSTEM ? String(cString: strerror(errno)) : String(cString: gai_strerror(status))
            return .failure(.notFound(words))
        }
        defer { freeaddrinfo(list) }
        var addresses: [String] = []
        var node = list
        while let current = node {
            var text = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if getnameinfo(current.pointee.ai_addr, current.pointee.ai_addrlen, &text, socklen_t(text.count), nil, 0, NI_NUMERICHOST) == 0 {
                let address = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                if !addresses.contains(address) { addresses.append(address) }
            }
            node = current.pointee.ai_next
        }
        return .success(addresses)
    }
}

// SPDX-License-Identifier: Apache-2.0
import OAuthProvider
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A provider's answer written as fuzz input: "STATUS\nName: value\n…\n\nBODY".
/// Input without that shape is a 200 with the whole input as body, so the
/// fuzzer reaches the body parsers from any bytes.
struct HTTPAnswerInput {
    static func answer(_ bytes: [UInt8]) -> HTTPAnswer {
        let newline = UInt8(ascii: "\n")
        guard let first = bytes.firstIndex(of: newline), let status = Int(String(decoding: bytes[..<first], as: UTF8.self)),
              (100...599).contains(status) else {
            return HTTPAnswer(status: 200, headers: [], body: bytes)
        }
        var headers: [(String, String)] = []
        var index = first + 1
        while index < bytes.count {
            let end = bytes[index...].firstIndex(of: newline) ?? bytes.count
            let line = String(decoding: bytes[index..<end], as: UTF8.self)
            index = min(end + 1, bytes.count)
            if line.isEmpty { break }
            if let colon = line.firstIndex(of: ":") {
                headers.append((String(line[..<colon]), String(line[line.index(after: colon)...].drop { $0 == " " })))
            }
        }
        return HTTPAnswer(status: status, headers: headers, body: Array(bytes[index...]))
    }
}

/// A transport that answers every request with one fixed answer, at once.
struct FixedTransport: HTTPTransport {
    let answer: HTTPAnswer
    func perform(_ call: HTTPCall) async throws(OAuthFailure) -> HTTPAnswer { answer }
}

/// Runs async code that never really waits (the transport answers at once) to its end,
/// on this thread: a fuzz input is handled synchronously.
func runToEnd<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> T {
    let box = ResultBox<T>()
    Task.detached { box.put(await body()) }
    return box.take()
}

/// One value handed from a task to a waiting thread.
final class ResultBox<T: Sendable>: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var value: T?

    init() {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        pthread_cond_destroy(condition)
        mutex.deallocate()
        condition.deallocate()
    }

    func put(_ result: T) {
        pthread_mutex_lock(mutex)
        value = result
        pthread_cond_signal(condition)
        pthread_mutex_unlock(mutex)
    }

    func take() -> T {
        pthread_mutex_lock(mutex)
        while value == nil { pthread_cond_wait(condition, mutex) }
        let result = value!
        pthread_mutex_unlock(mutex)
        return result
    }
}

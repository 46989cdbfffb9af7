// SPDX-License-Identifier: Apache-2.0
import Foundation

/// A real sd_notify socket, as systemd provides one: an AF_UNIX datagram
/// socket whose path goes into the daemon's `$NOTIFY_SOCKET`. Every datagram
/// received is kept, in order.
final class NotifySocket: @unchecked Sendable {
    let path: String
    private let fd: Int32
    private let received: Inbox
    private let reader: Thread

    init(directory: String) throws {
        let socketPath = directory + "/notify.sock"
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(.EIO) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: Array(socketPath.utf8.prefix(raw.count - 1)) + [0])
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else { close(descriptor); throw POSIXError(.EADDRINUSE) }
        let received = Inbox()
        path = socketPath
        fd = descriptor
        self.received = received
        // A plain thread: recv blocks, and must not hold a Swift concurrency thread.
        reader = Thread {
            var buffer = [UInt8](repeating: 0, count: 8192)
            while true {
                let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
                if count <= 0 { if count < 0 && errno == EINTR { continue }; return }
                let message = String(decoding: buffer[0..<count], as: UTF8.self)
                received.append(message)
            }
        }
        reader.start()
    }

    var messages: [String] { received.all }
    /// Every datagram with when it arrived: the gaps between watchdog pings.
    var timedMessages: [(message: String, at: ContinuousClock.Instant)] { received.timed }

    /// Every `KEY=value` assignment received so far, in order.
    var assignments: [String] { messages.flatMap { $0.split(separator: "\n").map(String.init) } }

    /// Waits (bounded) for an assignment that satisfies `match`, and returns it.
    func wait(seconds: Double, for match: (String) -> Bool) async -> String? {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            if let hit = assignments.first(where: match) { return hit }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return assignments.first(where: match)
    }

    /// Waits for a STATUS= line starting with `prefix` that came after `after` earlier assignments.
    func waitStatus(_ prefix: String, seconds: Double, after skip: Int = 0) async -> String? {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            if let hit = assignments.dropFirst(skip).first(where: { $0.hasPrefix("STATUS=" + prefix) }) { return hit }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    deinit {
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
        unlink(path)
    }
}

/// The datagrams received so far, shared between the reader thread and the test.
final class Inbox: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    private var times: [ContinuousClock.Instant] = []
    func append(_ item: String) { lock.withLock { items.append(item); times.append(.now) } }
    var all: [String] { lock.withLock { items } }
    var timed: [(message: String, at: ContinuousClock.Instant)] { lock.withLock { Array(zip(items, times)) } }
}

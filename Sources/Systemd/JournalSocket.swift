// SPDX-License-Identifier: Apache-2.0
import CLinux
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// journald's native protocol (systemd.io/JOURNAL_NATIVE_PROTOCOL), spoken
/// directly rather than through libsystemd, which would map itself and six
/// more libraries into the daemon for this one call. One datagram of fields:
/// `KEY=value\n`, or, for a value with a newline, `KEY\n`, its length as 64
/// bits little-endian, the value and `\n`. A message too large for a datagram
/// goes in a sealed memfd whose descriptor is sent instead, as journald expects.
enum JournalSocket {
    static let path = "/run/systemd/journal/socket"

    /// Sends without waiting (a full journal queue drops the line rather than stalling
    /// the daemon). False if the journal could not take it.
    @discardableResult
    static func send(_ fields: [(name: String, value: String)], to path: String = path) -> Bool {
        let payload = encode(fields)
        guard var address = UnixAddress(path) else { return false }
        return socket.withSocket { fd in
            let sent = payload.withUnsafeBytes { bytes in
                address.withSockaddr { sendto(fd, bytes.baseAddress, bytes.count, Int32(MSG_DONTWAIT | MSG_NOSIGNAL), $0, $1) }
            }
            if sent == payload.count { return true }
            guard sent < 0, errno == EMSGSIZE || errno == ENOBUFS else { return false }
            return sendInMemfd(payload, socket: fd, address: &address)
        }
    }

    /// Kept open, so that logging needs no descriptor (KeptDatagramSocket says why).
    static let socket = KeptDatagramSocket()

    static func encode(_ fields: [(name: String, value: String)]) -> [UInt8] {
        var payload: [UInt8] = []
        for (name, value) in fields {
            payload += name.utf8
            if value.utf8.contains(UInt8(ascii: "\n")) {
                payload.append(UInt8(ascii: "\n"))
                let length = UInt64(value.utf8.count)
                for shift in stride(from: 0, to: 64, by: 8) { payload.append(UInt8(truncatingIfNeeded: length >> UInt64(shift))) }
            } else {
                payload.append(UInt8(ascii: "="))
            }
            payload += value.utf8
            payload.append(UInt8(ascii: "\n"))
        }
        return payload
    }

    /// The large-message path: the payload in a sealed memfd, its descriptor in SCM_RIGHTS.
    private static func sendInMemfd(_ payload: [UInt8], socket fd: Int32, address: inout UnixAddress) -> Bool {
        let memory = payload.withUnsafeBytes { deviceauth_sealed_memfd($0.baseAddress, $0.count) }
        guard memory >= 0 else { return false }
        defer { close(memory) }
        return address.withSockaddr { deviceauth_send_fd(fd, $0, $1, memory, Int32(MSG_DONTWAIT | MSG_NOSIGNAL)) } >= 0
    }
}

/// A `sockaddr_un` for a path, or `@name` in the abstract namespace.
struct UnixAddress {
    private var storage = sockaddr_un()
    private(set) var length: socklen_t = 0

    init?(_ value: String) {
        guard value.hasPrefix("/") || value.hasPrefix("@") else { return nil }
        length = deviceauth_unix_address(value, 1, &storage)
        guard length > 0 else { return nil }
    }

    mutating func withSockaddr<T>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> T) -> T {
        let length = length
        return withUnsafePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, length) } }
    }
}

// SPDX-License-Identifier: Apache-2.0
import Foundation

/// A server from Debian (stunnel, tinyproxy) started on a loopback port by the test
/// that needs it. Such programs cannot report a port they were given as 0: a free one
/// is picked, and picked again if another process took it in between.
public enum LoopbackServer {
    public struct StartError: Error, CustomStringConvertible { public let description: String }

    /// Starts `launch(port)` until it accepts connections on `hosts` (bounded: 5 tries of 5 s),
    /// on `port` when given (a server replacing another), else on a free one.
    public static func start(_ name: String, hosts: [String] = ["127.0.0.1"], port fixed: Int? = nil,
                             _ launch: (Int) throws -> Subprocess) async throws -> (port: Int, program: Subprocess) {
        var lastOutput = ""
        for _ in 0..<5 {
            let port = try fixed ?? freePort()
            let program = try launch(port)
            for _ in 0..<100 where program.process.isRunning {
                if hosts.allSatisfy({ accepts(port, host: $0) }) { return (port, program) }
                try await Task.sleep(for: .milliseconds(50))
            }
            lastOutput = program.output
            program.signal(SIGTERM)
            _ = await program.waitForExit(seconds: 5)
        }
        throw StartError(description: "\(name) did not start: \(lastOutput)")
    }

    /// A loopback port nothing listens on just now, on 127.0.0.1 and on ::1 (for a server
    /// about to start, or to be refused). Both: a port free on ::1 may be another server's on
    /// 127.0.0.1, which would then answer for the server being started (a 404 from a stranger
    /// where tinyproxy's 407 was awaited, in a full run).
    public static func freePort() throws -> Int {
        for _ in 0..<20 {
            let fd = socket(AF_INET6, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(fd) }
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_addr = in6addr_loopback
            var length = socklen_t(MemoryLayout<sockaddr_in6>.size)
            let ok = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
            }
            guard ok else { throw StartError(description: "no free port: \(String(cString: strerror(errno)))") }
            let port = UInt16(bigEndian: address.sin6_port)
            let v4 = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(v4) }
            var loopback = sockaddr_in()
            loopback.sin_family = sa_family_t(AF_INET)
            loopback.sin_addr.s_addr = inet_addr("127.0.0.1")
            loopback.sin_port = port.bigEndian
            let free4 = withUnsafePointer(to: &loopback) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(v4, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
            }
            if free4 { return Int(port) }
        }
        throw StartError(description: "no loopback port free on both 127.0.0.1 and ::1")
    }

    static func accepts(_ port: Int, host: String) -> Bool {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &result) == 0, let info = result else { return false }
        defer { freeaddrinfo(result) }
        let fd = socket(info.pointee.ai_family, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        return connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0
    }
}

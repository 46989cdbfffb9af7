// SPDX-License-Identifier: Apache-2.0
import ControlProtocol
import Foundation
import TestSupport

/// Runs blocking socket code on its own thread, so it never holds one of the
/// few threads Swift concurrency has.
func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}

extension DaemonFixture {
    /// One request on a fresh connection.
    func call<Method>(_ request: ControlRequest<Method>, timeout: Double = 30) async throws -> ControlReply<Method.Result> {
        let path = socketPath
        return try await blocking { try ControlClient(path: path).call(request, timeout: timeout) }
    }

    /// `deviceauthctl --socket … ARGS`, optionally as another user via setpriv(1).
    func ctl(_ arguments: [String], uid: UInt32? = nil, gid: UInt32? = nil, groups: [UInt32] = [], seconds: Double = 30) async throws -> (status: Int32?, output: String) {
        let binary = Subprocess.binaryURL("deviceauthctl").path
        var command = [binary, arguments[0], "--socket", socketPath] + arguments.dropFirst()
        if let uid {
            try requireRoot("deviceauthctl as uid \(uid), through setpriv")
            command = ["/usr/bin/setpriv", "--reuid=\(uid)", "--regid=\(gid ?? uid)",
                       groups.isEmpty ? "--clear-groups" : "--groups=" + groups.map(String.init).joined(separator: ",")] + command
        }
        let executable = command.removeFirst()
        let rest = command
        return try await Subprocess.run(executable, rest, seconds: seconds)
    }
}

/// The address of a Unix socket path, for the tests that stand in for a daemon or a client.
func unixAddress(_ path: String) -> sockaddr_un {
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8) + [0]) }
    return address
}

/// A listening Unix stream socket at `path` (blocking), standing in for a daemon.
func listenUnix(_ path: String) -> Int32 {
    let server = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    var address = unixAddress(path)
    _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(server, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }
    listen(server, 1)
    return server
}

/// A connected Unix stream socket (blocking), standing in for a client.
func connectUnix(_ path: String) throws -> Int32 {
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    var address = unixAddress(path)
    let connected = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }
    guard connected == 0 else { close(fd); throw POSIXError(.ECONNREFUSED) }
    return fd
}


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

// SPDX-License-Identifier: Apache-2.0
import AccessPolicy
import CLinux
import DeviceAuth
import Forwarder
import Logging
import OAuthProvider
import Primitives
import ServiceLifecycle
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The engine as the forwarder's source of tokens: the forwarder never refreshes by itself.
struct EngineForwarderTokens: ForwarderTokens {
    let engine: PairingEngine

    func current() async throws(ForwarderTokenError) -> String {
        do { return try await engine.token().accessToken } catch { throw Self.translate(error) }
    }

    func rejected(_ accessToken: String) async throws(ForwarderTokenError) -> String {
        do { return try await engine.tokenRejected(accessToken).accessToken } catch { throw Self.translate(error) }
    }

    static func translate(_ error: any Error) -> ForwarderTokenError {
        switch error as? TokenUnavailable {
        case .notAuthorized(let state)?: .notAuthorized("the device is \(state)")
        case .refreshFailed(let why)?: .unavailable(why)
        case nil: .unavailable("\(error)")
        }
    }
}

/// The forwarder's socket and server, from start to graceful shutdown. The socket is
/// bound at start (a failure is a start-up error, as for the control socket), anyone may
/// connect: who may use it is decided per request.
struct ForwarderService: Service {
    let server: ForwarderServer
    let listener: ForwarderSocket

    static func bind(_ path: String) throws -> Int32 {
        try SystemFiles.makeDirectory(SystemFiles.parentDirectory(path), mode: 0o755)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ForwarderStartError("socket: \(String(cString: strerror(errno)))") }
        unlink(path)
        guard deviceauth_unix_bind(fd, path) == 0, listen(fd, 64) == 0 else {
            let why = String(cString: strerror(errno))
            close(fd)
            throw ForwarderStartError("cannot listen on \(path): \(why)")
        }
        chmod(path, 0o666)
        return fd
    }

    func run() async throws {
        guard server.start(listenFD: listener.fd) else {
            close(listener.fd)
            throw ForwarderStartError("libmicrohttpd would not serve on \(listener.path)")
        }
        // Until the group stops: then no new request is taken, and transfers still running end.
        try? await gracefulShutdown()
        server.stop()
        close(listener.fd)
        // systemd's socket stays (its unit holds it: callers wait in its backlog over a restart).
        if !listener.fromSystemd { unlink(listener.path) }
    }
}

/// The forwarder's listening socket: bound by the daemon, or passed by systemd.
struct ForwarderSocket {
    let path: String
    let fd: Int32
    let fromSystemd: Bool
}

struct ForwarderStartError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

// SPDX-License-Identifier: Apache-2.0
import AccessPolicy
import Primitives
import ControlProtocol
import DeviceAuth
import Logging
import ServiceLifecycle
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The control socket: newline-delimited JSON over a Unix stream socket
/// (docs/control-protocol.md). Who may do what comes from the peer's
/// credentials, never from anything the peer says.
public struct ControlServer: Sendable {
    public static let maxRequestBytes = 4096

    let path: String
    let backend: any ControlBackend
    let authorizer: SharedAuthorizer
    /// Shown in every status: support asks for it first.
    let identity: ClientIdentity?
    /// The API forwarder's socket, when there is one (the status names it).
    let forwarderSocket: String?
    let ledger: ConnectionLedger
    let refusals = RefusalLog()
    let logger: Logger

    public init(path: String, backend: any ControlBackend, authorizer: SharedAuthorizer, identity: ClientIdentity? = nil,
                forwarderSocket: String? = nil, limits: ConnectionLimits = ConnectionLimits(), logger: Logger) {
        self.path = path
        self.forwarderSocket = forwarderSocket
        self.backend = backend
        self.authorizer = authorizer
        self.identity = identity
        self.ledger = ConnectionLedger(limits)
        self.logger = logger
    }

    /// Binds the socket now (so start-up fails early and READY=1 means it is there).
    public func bind() async throws -> BoundControlServer {
        do { try SystemFiles.makeDirectory(SystemFiles.parentDirectory(path), mode: 0o755) } catch {
            throw ControlStartError("cannot create the directory of the control socket: \(error)")
        }
        let listener = try UnixListener(path: path, backlog: 128)
        // Anyone may connect and read the status; roles decide the rest.
        chmod(path, 0o666)
        return BoundControlServer(listener: listener, server: self, ownsSocketFile: true)
    }

    /// Serves on a listening socket systemd opened (`deviceauthd.socket`): clients that
    /// connect before the daemon is ready wait in its backlog instead of failing, and
    /// the socket file stays for the next start.
    public func adopt(listeningSocket fd: Int32) -> BoundControlServer {
        BoundControlServer(listener: UnixListener(inherited: fd), server: self, ownsSocketFile: false)
    }

    /// A refused connection or request, in the journal at most once a minute per uid.
    func logRefusal(_ what: String, peer: PeerCredentials?) {
        guard let unlogged = refusals.shouldLog(uid: peer?.uid ?? UInt32.max) else { return }
        logger.warning("control: refusing connections: \(what) (latest from \(peer?.description ?? "an unknown peer"))\(RefusalLog.suffix(unlogged: unlogged))")
    }

    struct ControlStartError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}

/// A control server whose socket exists; `run()` serves until graceful shutdown.
/// Every connection is a child task, so shutdown reaches each one.
public struct BoundControlServer: Service {
    let listener: UnixListener
    let server: ControlServer
    /// False for a socket systemd owns: its file is left in place when we stop.
    let ownsSocketFile: Bool

    public func run() async throws {
        let path = server.path
        defer {
            if ownsSocketFile { unlink(path) }
            listener.close()
        }
        do {
            try await cancelWhenGracefulShutdown {
                try await withThrowingDiscardingTaskGroup { group in
                    while true {
                        let stream = try await listener.accept()
                        let peer = PeerCredentials.of(socket: stream.fd)
                        // Admission counts the role at connect time; what a request may do is decided per request.
                        let role = server.authorizer.access(of: peer).role
                        let uid = peer?.uid ?? UInt32.max
                        guard let refusal = server.ledger.admit(uid: uid, role: role) else {
                            group.addTask { await ControlConnection(server: server, stream: stream, peer: peer, role: role).serve() }
                            continue
                        }
                        server.logRefusal(refusal, peer: peer)
                        let refused = RefusedConnection(stream: stream, why: refusal)
                        if server.ledger.beginLingering() {
                            group.addTask {
                                await refused.answerAtLeisure()
                                server.ledger.endLingering()
                            }
                        } else {
                            refused.answerAtOnce()
                        }
                    }
                }
            }
        } catch is CancellationError {
            // Graceful shutdown: the socket closes, watchers are let go.
        }
    }
}

// SPDX-License-Identifier: Apache-2.0
import ControlProtocol
import EpochTime
import DeviceAuth
import JSONCoding
import Logging
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// One client of the control socket, served request by request.
struct ControlConnection: Sendable {
    let server: ControlServer
    let stream: SocketStream

    var backend: any ControlBackend { server.backend }
    var logger: Logger { server.logger }

    /// Its peer as the kernel gave it at connect time, and the role it was admitted as.
    let peer: PeerCredentials?
    let role: PeerRole

    /// Serves an admitted connection until it ends; its place in the ledger is given back then.
    func serve() async {
        defer {
            stream.close()
            server.ledger.release(uid: peer?.uid ?? UInt32.max, role: role)
        }
        var framer = LineFramer(maxLength: ControlServer.maxRequestBytes)
        let idle = Duration.milliseconds(Int64(server.ledger.limits.idleSeconds * 1000))
        do {
            var ended = false
            while !ended {
                let frames: [ControlFrame]
                switch try await stream.read(until: .now + idle) {
                case .bytes(let bytes): frames = framer.append(bytes)
                case .end:
                    frames = framer.finish().map { [$0] } ?? []
                    ended = true
                case .timedOut: return  // idle: closed without a word
                }
                for frame in frames {
                    if try await handle(frame, peer: peer) == .watching { return }
                }
            }
        } catch {
            // The client went away, or we are stopping: nothing to answer.
            logger.debug("control: connection ended: \(error)")
        }
    }

    private enum Handled { case answered, watching }

    private func handle(_ frame: ControlFrame, peer: PeerCredentials?) async throws -> Handled {
        let request: ControlRequest
        switch frame {
        case .tooLong:
            try await send(ControlReply(id: nil, ok: false, error: .init(.requestTooLarge, "a request is one line of at most \(ControlServer.maxRequestBytes) bytes")))
            return .answered
        case .line(let bytes):
            guard let decoded = try? JSON.decode(ControlRequest.self, from: bytes) else {
                try await send(ControlReply(id: nil, ok: false, error: .init(.badRequest, #"a request is a JSON object like {"method": "status"}"#)))
                return .answered
            }
            request = decoded
        }
        guard let method = ControlMethod(rawValue: request.method) else {
            try await send(ControlReply(id: request.id, ok: false, error: .init(.unknownMethod,
                "unknown method \(request.method.prefix(40)); methods: " + ControlMethod.allCases.map(\.rawValue).joined(separator: ", "))))
            return .answered
        }
        // Decided now, not at connect time: a reload that removed this peer from a role applies at once.
        let access = server.authorizer.access(of: peer)
        let role = access.role
        guard role >= method.requiredRole else {
            if let unlogged = server.refusals.shouldLog(uid: peer?.uid ?? UInt32.max) {
                logger.warning("control: refused \(method.rawValue) to \(peer?.description ?? "an unknown peer") (\(role); needs \(method.requiredRole))\(RefusalLog.suffix(unlogged: unlogged))")
            }
            try await send(ControlReply(id: request.id, ok: false, error: .init(.permissionDenied,
                "\(method.rawValue) needs the \(method.requiredRole) role; uid \(peer.map { String($0.uid) } ?? "?") is \(role == .observer ? "an" : "a") \(role)")))
            return .answered
        }
        if method == .watch {
            try await watch(request, peer: peer)
            return .watching
        }
        try await send(await answer(request, method, access: access))
        return .answered
    }

    private func answer(_ request: ControlRequest, _ method: ControlMethod, access: PeerAccess) async -> ControlReply {
        func status(_ snapshot: PairingSnapshot) -> ControlStatus { self.status(snapshot, for: access) }
        switch method {
        case .status, .watch:
            return ControlReply(id: request.id, ok: true, status: status(await backend.snapshot()))
        case .pair:
            await backend.pair()
            return ControlReply(id: request.id, ok: true, status: status(await backend.snapshot()))
        case .cancel:
            await backend.cancelPairing()
            return ControlReply(id: request.id, ok: true, status: status(await backend.snapshot()))
        case .unpair:
            let outcome = await backend.unpair()
            var reply = ControlReply(id: request.id, ok: true, status: status(await backend.snapshot()))
            reply.message = outcome.description
            reply.revoked = outcome == .revoked
            reply.revocation = outcome.wireName
            return reply
        case .loginStart, .loginFinish, .loginImport, .loginPassword:
            do throws(LoginFailure) {
                var reply = ControlReply(id: request.id, ok: true)
                switch method {
                case .loginStart:
                    reply.login = try await backend.beginLogin(redirectURI: request.redirectURI)
                case .loginFinish:
                    guard let state = request.state, let code = request.code else {
                        return ControlReply(id: request.id, ok: false, error: .init(.badRequest, "login_finish needs state and code"))
                    }
                    reply.status = status(try await backend.finishLogin(state: state, code: code))
                case .loginPassword:
                    guard let username = request.username, !username.isEmpty, let password = request.password, !password.isEmpty else {
                        return ControlReply(id: request.id, ok: false, error: .init(.badRequest, "login_password needs username and password"))
                    }
                    reply.status = status(try await backend.passwordLogin(username: username, password: password))
                default:
                    guard let token = request.refreshToken, !token.isEmpty else {
                        return ControlReply(id: request.id, ok: false, error: .init(.badRequest, "login_import needs refresh_token"))
                    }
                    reply.status = status(try await backend.importRefreshToken(token))
                }
                return reply
            } catch {
                return ControlReply(id: request.id, ok: false, error: .init(.loginFailed, error.description))
            }
        case .doctor:
            var reply = ControlReply(id: request.id, ok: true)
            reply.checks = await backend.doctor()
            return reply
        case .refresh:
            do {
                _ = try await backend.refresh()
                return ControlReply(id: request.id, ok: true, status: status(await backend.snapshot()))
            } catch {
                return Self.tokenError(error, id: request.id)
            }
        case .token:
            do {
                let grant = try await backend.token(minValidSeconds: request.minValidSeconds ?? 0)
                // 64-bit and saturating: a 32-bit Int ends in 2038, and a wild clock must not trap.
                let expiresAt = grant.accessExpiresAt.epochSeconds
                let expiresIn = max(0, Saturating.integer(grant.accessExpiresAt.timeIntervalSinceNow, as: Int64.self))
                return ControlReply(id: request.id, ok: true,
                                    token: ControlToken(accessToken: grant.accessToken, tokenType: "bearer", expiresAt: expiresAt, expiresIn: expiresIn))
            } catch {
                return Self.tokenError(error, id: request.id)
            }
        }
    }

    /// Why no token (or no refresh) could be had, as the wire spells it.
    private static func tokenError(_ error: any Error, id: Int?) -> ControlReply {
        guard let error = error as? TokenUnavailable else { return ControlReply(id: id, ok: false, error: .init(.refreshFailed, "\(error)")) }
        let code: ControlError.Code = switch error {
        case .notAuthorized: .notAuthorized
        case .refreshFailed: .refreshFailed
        }
        return ControlReply(id: id, ok: false, error: .init(code, error.description))
    }

    /// The current status, then one line per change, until the client hangs up
    /// (noticed at once: the inbound side is read while we wait) or we stop.
    /// A watch may stay quiet for days: no idle timeout; the connection caps bound
    /// how many there are.
    private func watch(_ request: ControlRequest, peer: PeerCredentials?) async throws {
        let updates = await backend.updates()
        try await withThrowingTaskGroup { group in
            group.addTask {
                var first = true
                for await snapshot in updates {
                    // Each line as the peer's role stands now (a reload may have changed it).
                    let access = server.authorizer.access(of: peer)
                    try await send(ControlReply(id: request.id, ok: true, event: first ? nil : "status", status: status(snapshot, for: access)))
                    first = false
                }
            }
            // Anything further from a watcher is ignored; its end (or our shutdown) ends the watch.
            group.addTask {
                while case .bytes = try await stream.read() {}
            }
            try await group.next()
            group.cancelAll()
        }
    }

    /// The status as this peer may see it: the pairing code and its URLs only for
    /// those who may pair (whoever reads the code can approve it with their own account).
    private func status(_ snapshot: PairingSnapshot, for access: PeerAccess) -> ControlStatus {
        var status = ControlStatus(snapshot)
        if !access.seesPairingCode { status.withholdPairingCode() }
        status.clientID = server.identity?.clientID
        status.clientIDSource = server.identity?.source.rawValue
        return status
    }

    /// Once the server is stopping, nothing more is answered: the client sees the
    /// connection close (as for a daemon that went away), not an answer cut short.
    private func send(_ reply: ControlReply) async throws {
        try Task.checkCancellation()
        try await stream.write(Array(ControlJSON.encode(reply)))
    }
}

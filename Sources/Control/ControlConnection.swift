import ControlProtocol
import DeviceAuth
import FoundationEssentials
import Logging
import NIOCore
#if canImport(Glibc)
import Glibc
#endif

/// One client of the control socket, served request by request.
struct ControlConnection: Sendable {
    let configuration: ControlServer
    let connection: NIOAsyncChannel<ControlFrame, ByteBuffer>

    var backend: any ControlBackend { configuration.backend }
    var logger: Logger { configuration.logger }

    func serve() async {
        let peer = await peerCredentials()
        let role = peer.map(configuration.authorizer.role) ?? .observer
        let uid = peer?.uid ?? UInt32.max
        if let refusal = configuration.ledger.admit(uid: uid, role: role) {
            await refuse(refusal, peer: peer)
            return
        }
        defer { configuration.ledger.release(uid: uid, role: role) }
        do {
            try await connection.executeThenClose { inbound, outbound in
                var lines = inbound.makeAsyncIterator()
                while let frame = try await lines.next() {
                    let request: ControlRequest
                    switch frame {
                    case .tooLong:
                        try await send(outbound, ControlReply(id: nil, ok: false, error: .init(.requestTooLarge, "a request is one line of at most \(ControlServer.maxRequestBytes) bytes")))
                        continue
                    case .line(let buffer):
                        guard let decoded = try? JSONDecoder().decode(ControlRequest.self, from: Data(buffer.readableBytesView)) else {
                            try await send(outbound, ControlReply(id: nil, ok: false, error: .init(.badRequest, #"a request is a JSON object like {"method": "status"}"#)))
                            continue
                        }
                        request = decoded
                    }
                    guard let method = ControlMethod(rawValue: request.method) else {
                        try await send(outbound, ControlReply(id: request.id, ok: false, error: .init(.unknownMethod,
                            "unknown method \(request.method.prefix(40)); methods: " + ControlMethod.allCases.map(\.rawValue).joined(separator: ", "))))
                        continue
                    }
                    guard role >= method.requiredRole else {
                        logger.warning("control: refused \(method.rawValue) to \(peer?.description ?? "an unknown peer") (\(role); needs \(method.requiredRole))")
                        try await send(outbound, ControlReply(id: request.id, ok: false, error: .init(.permissionDenied,
                            "\(method.rawValue) needs the \(method.requiredRole) role; uid \(peer.map { String($0.uid) } ?? "?") is \(role == .observer ? "an" : "a") \(role)")))
                        continue
                    }
                    if method == .watch {
                        try await watch(request, inbound: &lines, outbound: outbound)
                        return
                    }
                    try await send(outbound, await answer(request, method))
                }
            }
        } catch {
            // The client went away or sent something NIO refused: nothing to answer.
            logger.debug("control: connection ended: \(error)")
        }
    }

    private func answer(_ request: ControlRequest, _ method: ControlMethod) async -> ControlReply {
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
        case .token:
            do {
                let grant = try await backend.token(minValidSeconds: request.minValidSeconds ?? 0)
                let expiresAt = Int(grant.accessExpiresAt.timeIntervalSince1970)
                let expiresIn = max(0, Int(grant.accessExpiresAt.timeIntervalSinceNow))
                return ControlReply(id: request.id, ok: true,
                                    token: ControlToken(accessToken: grant.accessToken, tokenType: "bearer", expiresAt: expiresAt, expiresIn: expiresIn))
            } catch let error as TokenUnavailable {
                let code: ControlError.Code = switch error {
                case .notAuthorized: .notAuthorized
                case .refreshFailed: .refreshFailed
                }
                return ControlReply(id: request.id, ok: false, error: .init(code, error.description))
            } catch {
                return ControlReply(id: request.id, ok: false, error: .init(.refreshFailed, "\(error)"))
            }
        }
    }

    /// The current status, then one line per change, until the client hangs up
    /// (noticed at once: the inbound side is read while we wait) or we stop.
    private func watch(_ request: ControlRequest, inbound: inout NIOAsyncChannelInboundStream<ControlFrame>.AsyncIterator,
                       outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>) async throws {
        // A watch may stay quiet for days; the connection caps bound how many there are.
        try? await connection.channel.pipeline.removeHandler(name: IdleCloser.idleHandlerName).get()
        let updates = await backend.updates()
        let forward = Task { [self] in
            var first = true
            for await snapshot in updates {
                try await send(outbound, ControlReply(id: request.id, ok: true, event: first ? nil : "status", status: status(snapshot)))
                first = false
            }
        }
        defer { forward.cancel() }
        // Anything further from a watcher is ignored; its end (or our shutdown) ends the watch.
        while try await inbound.next() != nil {}
    }

    /// Over the caps: one line that says why, then the connection closes.
    private func refuse(_ why: String, peer: PeerCredentials?) async {
        if configuration.ledger.shouldWarnOfRefusal() {
            logger.warning("control: refusing connections: \(why) (latest from \(peer?.description ?? "an unknown peer"))")
        }
        try? await connection.executeThenClose { _, outbound in
            try await send(outbound, ControlReply(id: nil, ok: false, error: .init(.tooManyConnections, why)))
        }
    }

    private func status(_ snapshot: PairingSnapshot) -> ControlStatus {
        var status = ControlStatus(snapshot)
        status.clientID = configuration.identity?.clientID
        status.clientIDSource = configuration.identity?.source.rawValue
        return status
    }

    private func send(_ outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>, _ reply: ControlReply) async throws {
        try await outbound.write(ByteBuffer(bytes: ControlJSON.encode(reply)))
    }

    private func peerCredentials() async -> PeerCredentials? {
        guard let provider = connection.channel as? any SocketOptionProvider else { return nil }
        let credentials: PeerCredentials.RawCredentials? = try? await provider.unsafeGetSocketOption(
            level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(SO_PEERCRED)).get()
        return credentials.map(PeerCredentials.init)
    }
}

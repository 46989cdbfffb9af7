// SPDX-License-Identifier: Apache-2.0
import AccessPolicy
import ControlProtocol
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
        let line: [UInt8]
        switch frame {
        case .tooLong:
            try await send(ControlJSON.encode(ControlReply<NoResult>(id: nil, error: .init(.requestTooLarge, "a request is one line of at most \(ControlServer.maxRequestBytes) bytes"))))
            return .answered
        case .line(let bytes): line = bytes
        }
        guard let request = try? JSONParser.parse(line), let head = try? JSON.decode(ControlRequestHead.self, from: request) else {
            try await send(ControlJSON.encode(ControlReply<NoResult>(id: nil, error: .init(.badRequest, #"a request is a JSON object like {"method": "status"}"#))))
            return .answered
        }
        guard let method = ServedMethod.named(head.method) else {
            try await send(ControlJSON.encode(ControlReply<NoResult>(id: head.id, error: .init(.unknownMethod,
                "unknown method \(head.method.prefix(40)); methods: " + ControlMethods.names))))
            return .answered
        }
        // Decided now, not at connect time: a reload that removed this peer from a role applies at once.
        let access = server.authorizer.access(of: peer)
        let role = access.role
        guard role >= method.role else {
            if let unlogged = server.refusals.shouldLog(uid: peer?.uid ?? UInt32.max) {
                logger.warning("control: refused \(method.name) to \(peer?.description ?? "an unknown peer") (\(role); needs \(method.role))\(RefusalLog.suffix(unlogged: unlogged))")
            }
            try await send(ControlJSON.encode(ControlReply<NoResult>(id: head.id, error: .init(.permissionDenied,
                "\(method.name) needs the \(method.role) role; uid \(peer.map { String($0.uid) } ?? "?") is \(role == .observer ? "an" : "a") \(role)"))))
            return .answered
        }
        switch method.kind {
        case .watch:
            try await watch(id: head.id, peer: peer)
            return .watching
        case .answer(let answer):
            try await send(await answer(request, call(id: head.id, access: access)))
            return .answered
        }
    }

    private func call(id: Int?, access: PeerAccess) -> ControlCall {
        ControlCall(id: id, backend: backend, access: access, identity: server.identity, forwarderSocket: server.forwarderSocket)
    }

    /// The current status, then one line per change, until the client hangs up
    /// (noticed at once: the inbound side is read while we wait) or we stop.
    /// A watch may stay quiet for days: no idle timeout; the connection caps bound
    /// how many there are.
    private func watch(id: Int?, peer: PeerCredentials?) async throws {
        let updates = await backend.updates()
        try await withThrowingTaskGroup { group in
            group.addTask {
                var first = true
                for await snapshot in updates {
                    // Each line as the peer's role stands now (a reload may have changed it).
                    let status = call(id: id, access: server.authorizer.access(of: peer)).status(snapshot)
                    try await send(ControlJSON.encode(ControlReply(id: id, result: StatusResult(status: status), event: first ? nil : "status")))
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

    /// Once the server is stopping, nothing more is answered: the client sees the
    /// connection close (as for a daemon that went away), not an answer cut short.
    private func send(_ line: [UInt8]) async throws {
        try Task.checkCancellation()
        try await stream.write(line)
    }
}

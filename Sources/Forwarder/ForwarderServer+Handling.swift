// SPDX-License-Identifier: Apache-2.0
import AccessPolicy
import CMicroHTTPD
import CurlHTTP
import OAuthProvider
import Primitives

/// A request's phases, as libmicrohttpd calls the handler: once with the headers, once
/// per piece of body, once at the end, when the answer is queued.
extension ForwarderServer {
    func handle(_ request: ForwardedRequest, connection: OpaquePointer, method: String, upload: UnsafeRawBufferPointer?,
                uploadSize: UnsafeMutablePointer<Int>) -> MHD_Result {
        if request.method.isEmpty {
            request.method = method
            return begin(request, connection)
        }
        // A client that sends a byte now and then is never idle: the whole request is bounded.
        if request.overdue(settings.timeoutSeconds) {
            logger.notice("forwarder: a request of uid \(request.peer.map { String($0.uid) } ?? "?") ran past TimeoutSec=\(settings.timeoutSeconds): its connection is closed")
            request.finish()
            return .NO
        }
        if request.status != 0 {  // answered already: what is still sent is dropped
            uploadSize.pointee = 0
            return .YES
        }
        if let upload, upload.count > 0 {
            receive(request, upload)
            uploadSize.pointee = 0
            return .YES
        }
        return complete(request, connection)
    }

    // MARK: - The headers: who, where, what body

    private func begin(_ request: ForwardedRequest, _ connection: OpaquePointer) -> MHD_Result {
        let peer = PeerCredentials.of(socket: deviceauth_mhd_connection_fd(connection))
        request.peer = peer
        let access = authorizer.access(of: peer)
        guard access.role.permits(.readToken) else {
            if let unlogged = refusals.shouldLog(uid: peer?.uid ?? UInt32.max) {
                logger.warning("forwarder: refused \(request.method) to \(peer?.description ?? "an unknown peer") (\(access.role); needs \(Use.readToken.leastRole))\(RefusalLog.suffix(unlogged: unlogged))")
            }
            return refuse(request, connection, 403, "permission_denied",
                          "the API forwarder needs the \(Use.readToken.leastRole) role (TokenReaders= in deviceauthd.conf); uid \(peer.map { String($0.uid) } ?? "?") is \(access.role == .observer ? "an" : "a") \(access.role)")
        }
        let uid = peer?.uid ?? UInt32.max
        guard admit(uid: uid, role: access.role) else {
            return refuse(request, connection, 429, "too_many_requests", "uid \(uid) has \(ForwarderSettings.maxConnectionsPerUID) requests open at once already")
        }
        request.admittedUID = uid
        guard !["CONNECT", "TRACE"].contains(request.method) else {
            return refuse(request, connection, 405, "method_not_allowed", "\(request.method) is not forwarded")
        }
        guard let path = ForwarderRouting.upstreamPath(target: request.target, host: lookup(connection, .HEADER_KIND, "Host"), accepted: acceptedAuthorities) else {
            return refuse(request, connection, 421, "misdirected_request",
                          "this forwarder sends requests to \(upstream.origin) only: use http://provider/PATH (or that host) with --unix-socket")
        }
        request.upstreamURL = upstream.origin + path
        do {
            let plan = try ForwarderHeaders.plan(headers(connection), replayable: settings.replayableBytes)
            request.headers = plan.forwarded.map { ($0.name, $0.value) }
            request.mode = plan.body
        } catch {
            return refuse(request, connection, 400, "bad_request", error.message)
        }
        if case .streamed(let length) = request.mode {
            // Sent while it arrives: the provider gets the body as the client sends it.
            switch TokenBridge.wait({ [tokens] () throws(ForwarderTokenError) in try await tokens.current() }) {
            case .failure(let error): return refuse(request, connection, error)
            case .success(let token):
                let pipe = BytePipe(capacity: settings.pipeBytes)
                request.upload = pipe
                let stall = Double(settings.stallSeconds)
                guard startAttempt(request, token: token, body: .stream(length: length, read: { pipe.read(into: $0, seconds: stall) })) else {
                    return refuse(request, connection, 503, "unavailable", "the forwarder cannot start a transfer now")
                }
            }
        }
        return .YES
    }

    // MARK: - The body

    private func receive(_ request: ForwardedRequest, _ bytes: UnsafeRawBufferPointer) {
        switch request.mode {
        case .held(let expected):
            // More than the client said: kept to what it said; the provider gets that.
            let room = max(0, min(expected, settings.replayableBytes) - request.held.count)
            request.held.append(contentsOf: bytes.prefix(room))
        case .streamed:
            // A provider that stopped reading (it answered early) leaves the rest unsent.
            _ = request.upload?.write(bytes, seconds: Double(settings.stallSeconds))
        case .none:
            break
        }
    }

    // MARK: - The end: the provider's answer, passed on

    private func complete(_ request: ForwardedRequest, _ connection: OpaquePointer) -> MHD_Result {
        if case .streamed = request.mode {
            request.upload?.finish()
            guard let attempt = request.attempt else { return refuse(request, connection, 502, "bad_gateway", "the transfer to the provider did not start") }
            let outcome = attempt.awaitHead(seconds: Double(settings.stallSeconds), stopIfUnauthorized: false)
            if case .head(let head) = outcome, head.status == 401 { noteRejected(request) }
            return answer(request, connection, outcome, attempt)
        }
        let body: CurlStream.Body = request.mode == .none ? .none : .bytes(request.held)
        var token: String
        switch TokenBridge.wait({ [tokens] () throws(ForwarderTokenError) in try await tokens.current() }) {
        case .failure(let error): return refuse(request, connection, error)
        case .success(let current): token = current
        }
        for round in 0..<2 {
            guard startAttempt(request, token: token, body: body), let attempt = request.attempt else {
                return refuse(request, connection, 503, "unavailable", "the forwarder cannot start a transfer now")
            }
            let outcome = attempt.awaitHead(seconds: Double(settings.stallSeconds), stopIfUnauthorized: round == 0)
            guard round == 0, case .head(let head) = outcome, head.status == 401 else {
                return answer(request, connection, outcome, attempt)
            }
            // The provider refused the token: one refresh (shared), and this request once more.
            attempt.abandon()
            request.refreshed = true
            metrics.refreshedOn401()
            switch TokenBridge.wait({ [tokens, token] () throws(ForwarderTokenError) in try await tokens.rejected(token) }) {
            case .failure(let error): return refuse(request, connection, error)
            case .success(let fresh): token = fresh
            }
        }
        return refuse(request, connection, 502, "bad_gateway", "no answer")
    }

    /// A 401 on a request that could not be sent again: the next request gets the new token.
    private func noteRejected(_ request: ForwardedRequest) {
        guard let token = request.headers.first(where: { $0.0 == "Authorization" })?.1.dropFirst("Bearer ".count) else { return }
        request.refreshed = true
        metrics.refreshedOn401()
        let tokens = tokens, rejected = String(token)
        Task { _ = try? await tokens.rejected(rejected) }
    }

    private func startAttempt(_ request: ForwardedRequest, token: String, body: CurlStream.Body) -> Bool {
        let attempt = UpstreamAttempt(pipeBytes: settings.pipeBytes)
        var headers = request.headers.filter { $0.0 != "Authorization" }
        headers.append(("Authorization", "Bearer " + token))
        request.headers = headers
        let stream = CurlStream(CurlStream.Request(method: request.method, url: request.upstreamURL, headers: headers, body: body),
                                network: settings.network, stallSeconds: settings.stallSeconds, timeoutSeconds: settings.timeoutSeconds, sink: attempt)
        request.attempt = attempt
        return attempt.start(stream)
    }
}

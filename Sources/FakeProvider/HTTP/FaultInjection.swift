// SPDX-License-Identifier: Apache-2.0
import HTTPTypes
import Hummingbird
import NIOCore

/// Runs an API request through whatever fault is queued for its endpoint.
///
/// Only `delay`, `delay_after_commit` and `drop_after_commit` do the request's work; every other
/// mode fails before the provider's state changes, so a client that survives
/// them must still hold a working token.
enum FaultInjection {
    static let hugeBodyBytes = 16 * 1024 * 1024

    static func respond(
        to endpoint: FaultEndpoint,
        state: ProviderState,
        context: FakeRequestContext,
        work: () async -> FakeReply
    ) async throws -> Response {
        guard let fault = await state.takeFault(for: endpoint) else {
            return try await finish(await work(), state: state)
        }
        switch fault.mode {
        case .status:
            var reply = fault.error.map { FakeReply.json(["error": $0], status: HTTPResponse.Status(code: fault.status)) } ?? statusReply(fault.status)
            if let seconds = fault.retryAfterSeconds { reply.headers[.retryAfter] = String(seconds) }
            return reply.response
        case .delay:
            // A real server goes on with the work when the client gives up waiting.
            _ = await pause(fault.delayMilliseconds, context, endsWhenClientLeaves: false)
            return try await finish(await work(), state: state)
        case .drop:
            return await dropConnection(context)
        case .dropAfterCommit:
            _ = await work()
            return await dropConnection(context)
        case .delayAfterCommit:
            let reply = await work()
            guard await pause(fault.delayMilliseconds, context) else { return await dropConnection(context) }
            return try await finish(reply, state: state)
        case .hang:
            // Bounded all the same, so a test that forgets it cannot leave the fake stuck.
            _ = await pause(3_600_000, context)
            return await dropConnection(context)
        case .garbage:
            var headers: HTTPFields = [.contentType: "application/json"]
            headers[.cacheControl] = "no-store"
            let bytes: [UInt8] = Array(#"{"access_token": "#.utf8) + [0xFF, 0xFE, 0x00, 0x7B] + Array("]]<html>".utf8)
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        case .huge:
            return hugeResponse()
        case .portal:
            return portalResponse(status: fault.status)
        }
    }

    /// Waits `milliseconds`; false when it ended early: the client hung up (when
    /// `endsWhenClientLeaves`) or the fake is shutting down (it must not wait for
    /// held requests).
    private static func pause(_ milliseconds: Int, _ context: FakeRequestContext, endsWhenClientLeaves: Bool = true) async -> Bool {
        let channel = context.channel
        let promise = channel.eventLoop.makePromise(of: Bool.self)
        let timer = channel.eventLoop.scheduleTask(in: .milliseconds(Int64(milliseconds))) { promise.succeed(true) }
        if endsWhenClientLeaves { channel.closeFuture.whenComplete { _ in promise.succeed(false) } }
        promise.futureResult.whenComplete { _ in timer.cancel() }
        // The fake's own shutdown cancels what it still waits for.
        return await withTaskCancellationHandler {
            (try? await promise.futureResult.get()) ?? false
        } onCancel: {
            promise.succeed(false)
        }
    }

    private static func finish(_ reply: FakeReply, state: ProviderState) async throws -> Response {
        if reply.isRejection { await state.countRejected() }
        return reply.response
    }

    /// An error status with a plausible body; 429 carries Frame.io's rate-limit headers.
    static func statusReply(_ status: Int) -> FakeReply {
        if status == 401 { return .notAuthorized }
        let httpStatus = HTTPResponse.Status(code: status)
        var reply = FakeReply.json(StatusBody(code: status, message: httpStatus.reasonPhrase), status: httpStatus)
        if status == 429 {
            reply.headers[HTTPField.Name("x-ratelimit-limit")!] = "100"
            reply.headers[HTTPField.Name("x-ratelimit-remaining")!] = "0"
            reply.headers[HTTPField.Name("x-ratelimit-window")!] = "60000"
        }
        return reply
    }

    struct StatusBody: Encodable { let code: Int; let message: String }

    /// Close the TCP connection mid-exchange. The returned response is never seen:
    /// Hummingbird's write fails on the closed channel.
    private static func dropConnection(_ context: FakeRequestContext) async -> Response {
        try? await context.channel.close()
        return Response(status: .internalServerError)
    }

    /// A chunked 200 that starts like a token response and never ends sensibly.
    private static func hugeResponse() -> Response {
        let chunkSize = 64 * 1024
        return Response(
            status: .ok,
            headers: [.contentType: "application/json"],
            body: ResponseBody { writer in
                try await writer.write(ByteBuffer(string: #"{"access_token": ""#))
                let chunk = ByteBuffer(repeating: UInt8(ascii: "A"), count: chunkSize)
                for _ in 0..<(hugeBodyBytes / chunkSize) { try await writer.write(chunk) }
                try await writer.finish(nil)
            }
        )
    }

    /// What a hotel's Wi-Fi answers before its terms are accepted.
    static func portalResponse(status: Int) -> Response {
        var headers: HTTPFields = [.contentType: "text/html; charset=utf-8"]
        headers[.cacheControl] = "no-store"
        let page = "<!DOCTYPE html><html><head><title>Welcome</title></head><body><form action=\"/accept\">Accept the terms to use the Wi-Fi</form></body></html>"
        switch status {
        case 301, 302, 303, 307:
            headers[.location] = "http://portal.hotel.example/login?return=provider"
            return Response(status: HTTPResponse.Status(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(string: page)))
        case 511:
            return Response(status: .networkAuthenticationRequired, headers: headers, body: .init(byteBuffer: ByteBuffer(string: page)))
        default:
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: page)))
        }
    }
}

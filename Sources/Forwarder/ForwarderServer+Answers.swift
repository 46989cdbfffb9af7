// SPDX-License-Identifier: Apache-2.0
import CMicroHTTPD
import CurlHTTP
import JSONCoding
import OAuthProvider
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// What goes back to the client: the provider's answer as it streams in, or a refusal
/// of the forwarder's own as a small JSON object (`error`, `message`), like the control
/// socket's errors.
extension ForwarderServer {
    /// The request's headers as libmicrohttpd read them, in order (`ForwarderHeaders` decides what passes).
    func headers(_ connection: OpaquePointer) -> [(name: String, value: String)] {
        final class Collected { var headers: [(name: String, value: String)] = [] }
        let collected = Collected()
        _ = MHD_get_connection_values(connection, .HEADER_KIND, { context, _, key, value in
            guard let context, let key else { return .YES }
            Unmanaged<Collected>.fromOpaque(context).takeUnretainedValue().headers.append((String(cString: key), value.map { String(cString: $0) } ?? ""))
            return .YES
        }, Unmanaged.passUnretained(collected).toOpaque())
        return collected.headers
    }

    func lookup(_ connection: OpaquePointer, _ kind: MHD_ValueKind, _ name: String) -> String? {
        MHD_lookup_connection_value(connection, kind, name).map { String(cString: $0) }
    }

    /// The provider's answer: its status and headers (those of the hop left out), then its
    /// body as it arrives, with its length when it said one, chunked otherwise.
    func answer(_ request: ForwardedRequest, _ connection: OpaquePointer, _ outcome: UpstreamAttempt.Outcome, _ attempt: UpstreamAttempt) -> MHD_Result {
        guard case .head(let head) = outcome else {
            if case .failed(let fault) = outcome {
                return refuse(request, connection, 502, "bad_gateway", "the provider could not be reached: \(fault)")
            }
            return refuse(request, connection, 502, "bad_gateway", "no answer from the provider")
        }
        let length = head.headers.last { $0.0.lowercased() == "content-length" }.flatMap { UInt64($0.1) }
        let context = Unmanaged.passRetained(attempt).toOpaque()
        guard let response = MHD_create_response_from_callback(length ?? UInt64.max, 32 * 1024, Self.bodyReader, context, Self.bodyReleased) else {
            Unmanaged<UpstreamAttempt>.fromOpaque(context).release()
            return refuse(request, connection, 502, "bad_gateway", "cannot pass the answer on")
        }
        defer { MHD_destroy_response(response) }
        for (name, value) in ForwarderHeaders.answer(head.headers) {
            _ = MHD_add_response_header(response, name, value)
        }
        request.status = head.status
        return MHD_queue_response(connection, UInt32(head.status), response)
    }

    static let bodyReader: MHD_ContentReaderCallback = { context, _, buffer, size in
        guard let context, let buffer else { return -2 }
        let attempt = Unmanaged<UpstreamAttempt>.fromOpaque(context).takeUnretainedValue()
        // Bounded: a provider that stops sending mid-answer is given up on, not waited for.
        guard let count = attempt.pipe.read(into: UnsafeMutableRawBufferPointer(start: buffer, count: size), seconds: 300) else {
            return -2  // MHD_CONTENT_READER_END_WITH_ERROR: the client sees the answer cut, not completed
        }
        return count == 0 ? -1 : count  // MHD_CONTENT_READER_END_OF_STREAM
    }

    static let bodyReleased: MHD_ContentReaderFreeCallback = { context in
        guard let context else { return }
        let attempt = Unmanaged<UpstreamAttempt>.fromOpaque(context).takeRetainedValue()
        attempt.abandon()
    }

    /// A refusal of the forwarder's own, as JSON.
    func refuse(_ request: ForwardedRequest, _ connection: OpaquePointer, _ status: Int, _ code: String, _ message: String) -> MHD_Result {
        struct Refusal: Encodable { let error: String; let message: String }
        let body = (try? JSON.encode(Refusal(error: code, message: message))) ?? Array(#"{"error":"internal"}"#.utf8)
        let line = body + [UInt8(ascii: "\n")]
        request.status = status
        let response = line.withUnsafeBytes { bytes in
            MHD_create_response_from_buffer(bytes.count, UnsafeMutableRawPointer(mutating: bytes.baseAddress), .RESPMEM_MUST_COPY)
        }
        guard let response else { return .NO }
        defer { MHD_destroy_response(response) }
        _ = MHD_add_response_header(response, "Content-Type", "application/json")
        _ = MHD_add_response_header(response, "Cache-Control", "no-store")
        return MHD_queue_response(connection, UInt32(status), response)
    }

    func refuse(_ request: ForwardedRequest, _ connection: OpaquePointer, _ error: ForwarderTokenError) -> MHD_Result {
        switch error {
        case .notAuthorized(let why):
            refuse(request, connection, 401, "not_authorized", "the camera has no authorization to use: it must pair (or log in) again (\(why))")
        case .unavailable(let why):
            refuse(request, connection, 503, "token_unavailable", "no valid access token now: \(why)")
        }
    }

    /// The request is over (answered, or the client went away): counted, logged at debug
    /// (method, path without its query, status, time, uid: never a token or a query).
    func completed(_ request: ForwardedRequest) {
        if let uid = request.admittedUID { release(uid: uid) }
        guard !request.method.isEmpty else { return }
        metrics.answered(request.status == 0 ? 499 : request.status)
        let elapsed = ContinuousClock.now - request.started
        let milliseconds = elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
        let path = request.target.hasPrefix("/") ? String(request.target.prefix { $0 != "?" }) : "(absolute target)"
        logger.debug("forwarder: \(request.method) \(path) \(request.status == 0 ? "cut short" : String(request.status)) in \(milliseconds) ms for uid \(request.peer.map { String($0.uid) } ?? "?")\(request.refreshed ? ", after a refresh on 401" : "")")
    }
}

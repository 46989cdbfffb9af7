// SPDX-License-Identifier: Apache-2.0
import Crypto
import Foundation
import HTTPTypes
import Hummingbird

/// `/v2/echo`, any method: a Bearer-authenticated API call that says what it received
/// (the bearer token, the Authorization headers, every header's name, the path and query,
/// the body's length and SHA-256), reading the body as it streams in, so a 100 MB upload
/// costs the fake no 100 MB. With `reply_bytes=N` in the query it answers N bytes instead,
/// written as they go (a download). For the forwarder's tests: not part of Frame.io's API.
extension FakeProvider {
    struct Echo: Encodable {
        let method: String
        let path: String
        let query: String
        let bearer: String?
        let authorizationHeaders: Int
        let headerNames: [String]
        let bodyBytes: Int
        let bodySHA256: String
        enum CodingKeys: String, CodingKey {
            case method, path, query, bearer, authorizationHeaders = "authorization_headers", headerNames = "header_names"
            case bodyBytes = "body_bytes", bodySHA256 = "body_sha256"
        }
    }

    func addEchoRoutes(to router: Router<FakeRequestContext>) {
        let state = self.state
        for method in [HTTPRequest.Method.get, .post, .put, .patch, .delete] {
            router.on("/v2/echo", method: method) { request, context in
                // A fault queued for it (a 429 with Retry-After, a drop…) answers in its place.
                if await state.hasFault(for: .echo) {
                    return try await FaultInjection.respond(to: .echo, state: state, context: context) { .noContent }
                }
                let token = Self.bearerToken(request.headers[.authorization])
                guard await state.acceptsEcho(bearer: token) else { return FakeReply.notAuthorized.response }
                var hasher = SHA256(), count = 0
                for try await chunk in request.body {
                    count += chunk.readableBytes
                    chunk.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
                }
                if let wanted = request.uri.queryParameters.get("reply_bytes", as: Int.self), wanted >= 0 {
                    return Self.download(bytes: wanted)
                }
                let digest = hasher.finalize().map { String(format: "%02x", $0) }.joined()
                let echo = Echo(method: request.method.rawValue, path: request.uri.path, query: request.uri.query ?? "", bearer: token,
                                authorizationHeaders: request.headers[values: .authorization].count,
                                headerNames: request.headers.map { $0.name.canonicalName }.sorted(), bodyBytes: count, bodySHA256: digest)
                return FakeReply.json(echo).response
            }
        }
    }

    /// `count` bytes of 0x2a, in 64 KiB pieces written as the client takes them.
    static func download(bytes count: Int) -> Response {
        let chunk = ByteBuffer(repeating: 0x2a, count: 64 * 1024)
        var headers = HTTPFields()
        headers[.contentType] = "application/octet-stream"
        headers[.contentLength] = String(count)
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            var left = count
            while left > 0 {
                let piece = min(left, chunk.readableBytes)
                try await writer.write(chunk.getSlice(at: 0, length: piece)!)
                left -= piece
            }
            try await writer.finish(nil)
        })
    }
}

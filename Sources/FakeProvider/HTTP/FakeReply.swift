// SPDX-License-Identifier: Apache-2.0
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// An answer of the fake's API before it becomes a Hummingbird `Response`.
struct FakeReply: Sendable {
    var status: HTTPResponse.Status
    var headers: HTTPFields = [:]
    var body: ByteBuffer = ByteBuffer()
    /// Counted in `rejected_requests`: the request itself was refused.
    var isRejection = false

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> FakeReply {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding our own model types cannot fail; an empty object keeps the fake alive if it ever does.
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        var headers: HTTPFields = [.contentType: "application/json"]
        // RFC 6749 §5.1: token responses must not be cached.
        headers[.cacheControl] = "no-store"
        headers[HTTPField.Name("pragma")!] = "no-cache"
        return FakeReply(status: status, headers: headers, body: ByteBuffer(bytes: data))
    }

    /// Frame.io's error shape: HTTP 400 with `{"error": "<code>"}`, no description.
    static func oauthError(_ code: OAuthErrorCode) -> FakeReply {
        var reply = json(["error": code.rawValue], status: .badRequest)
        reply.isRejection = code.isRejection
        return reply
    }

    /// The documented 401 body of every call with a dead or revoked token.
    static var notAuthorized: FakeReply {
        var reply = json(NotAuthorizedBody(), status: .unauthorized)
        reply.isRejection = true
        return reply
    }

    static var noContent: FakeReply { FakeReply(status: .noContent) }

    var response: Response {
        Response(status: status, headers: headers, body: .init(byteBuffer: body))
    }
}

/// `{"code": 401, "errors": [...], "message": "Not Authorized"}` as Frame.io sends it.
struct NotAuthorizedBody: Encodable {
    struct Detail: Encodable {
        let code = 401
        let detail = "You are not allowed to access that resource"
        let status = 401
        let title = "Not Authorized"
    }
    let code = 401
    let errors = [Detail()]
    let message = "Not Authorized"
}

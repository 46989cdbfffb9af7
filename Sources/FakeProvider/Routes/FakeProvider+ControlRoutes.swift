// SPDX-License-Identifier: Apache-2.0
import Foundation
import Hummingbird

/// The test-control API that tests, benchmarks and the demo drive.
/// These paths and fields are an interface: other tools depend on them.
extension FakeProvider {
    struct DecisionRequest: Decodable {
        let userCode: String?
        let all: Bool?
        enum CodingKeys: String, CodingKey { case userCode = "user_code", all }
    }

    struct FaultRequest: Decodable {
        let endpoint: FaultEndpoint
        let mode: FaultMode
        let status: Int?
        let delayMs: Int?
        let count: Int?
        /// With `status`: answer `{"error": ERROR}` instead of the plain status body.
        let error: String?
        /// With `status`: a `Retry-After: N` header.
        let retryAfter: Int?
        enum CodingKeys: String, CodingKey { case endpoint, mode, status, delayMs = "delay_ms", count, error, retryAfter = "retry_after" }
    }

    func addControlRoutes(to router: Router<FakeRequestContext>) {
        let state = self.state
        for approve in [true, false] {
            router.post(approve ? "/_fake/approve" : "/_fake/deny") { request, _ in
                let decision: DecisionRequest
                do { decision = try await Self.decodeControl(DecisionRequest.self, from: request) } catch {
                    return Self.controlError("\(error)")
                }
                switch (decision.userCode, decision.all) {
                case (let code?, nil), (let code?, false?):
                    let changed = await state.decide(userCode: code, approve: approve)
                    if changed == 0 { return Self.controlError("no pending device code \(code)", status: .notFound) }
                    return FakeReply.json(["changed": changed]).response
                case (nil, true?):
                    return FakeReply.json(["changed": await state.decide(userCode: nil, approve: approve)]).response
                default:
                    return Self.controlError(#"send {"user_code": "123456"} or {"all": true}"#)
                }
            }
        }
        router.post("/_fake/expire-access") { _, _ in
            FakeReply.json(["expired": await state.expireAllAccessTokens()]).response
        }
        router.post("/_fake/revoke-all") { _, _ in
            FakeReply.json(["revoked": await state.revokeAllAuthorizations()]).response
        }
        router.post("/_fake/faults") { request, _ in
            let fault: FaultRequest
            do { fault = try await Self.decodeControl(FaultRequest.self, from: request) } catch {
                return Self.controlError("\(error)")
            }
            let status = fault.status ?? 503, delay = fault.delayMs ?? 1000, count = fault.count ?? 1
            guard (100...599).contains(status) else { return Self.controlError("status must be 100…599") }
            guard (0...600_000).contains(delay) else { return Self.controlError("delay_ms must be 0…600000") }
            guard (1...10_000).contains(count) else { return Self.controlError("count must be 1…10000") }
            if let error = fault.error, error.isEmpty || error.count > 64 { return Self.controlError("error must be 1…64 characters") }
            if let seconds = fault.retryAfter, !(0...86_400).contains(seconds) { return Self.controlError("retry_after must be 0…86400") }
            await state.enqueue(Fault(mode: fault.mode, status: status, delayMilliseconds: delay, error: fault.error, retryAfterSeconds: fault.retryAfter),
                                on: fault.endpoint, count: count)
            return FakeReply.json(["queued": count]).response
        }
        router.get("/_fake/settings") { _, _ in FakeReply.json(await state.currentSettings).response }
        router.post("/_fake/settings") { request, _ in
            // Fields left out keep their defaults (not their current values): a test says all it needs.
            do { await state.updateSettings(try await Self.decodeControl(FakeSettings.self, from: request)) } catch {
                return Self.controlError("\(error)")
            }
            return FakeReply.json(await state.currentSettings).response
        }
        router.get("/_fake/live-tokens") { _, _ in
            FakeReply.json(["access_fingerprints": await state.liveAccessFingerprints()]).response
        }
        router.get("/_fake/stats") { _, _ in
            let encoder = JSONEncoder()
            encoder.keyEncodingStrategy = .convertToSnakeCase
            encoder.outputFormatting = [.sortedKeys]
            let data = try encoder.encode(await state.stats)
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
    }

    enum ControlBodyError: Error, CustomStringConvertible {
        case invalid(String)
        var description: String { switch self { case .invalid(let why): why } }
    }

    static func decodeControl<T: Decodable>(_ type: T.Type, from request: Request) async throws(ControlBodyError) -> T {
        let body: ByteBuffer
        do { body = try await request.body.collect(upTo: maxFormBytes) } catch { throw .invalid("request body too large") }
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer: body))
        } catch let DecodingError.dataCorrupted(context) {
            throw .invalid("bad JSON: \(context.debugDescription)")
        } catch let DecodingError.keyNotFound(key, _) {
            throw .invalid("missing field \(key.stringValue)")
        } catch {
            throw .invalid("bad JSON body: \(error)")
        }
    }

    static func controlError(_ message: String, status: HTTPResponse.Status = .badRequest) -> Response {
        FakeReply.json(["error": message], status: status).response
    }
}

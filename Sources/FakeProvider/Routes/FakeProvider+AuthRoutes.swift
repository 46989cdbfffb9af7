// SPDX-License-Identifier: Apache-2.0
import HTTPTypes
import Hummingbird

/// Frame.io C2C's auth API: `POST /v2/auth/device/code`, `/v2/auth/token`, `/v2/auth/revoke`.
extension FakeProvider {
    func addAuthRoutes(to router: Router<FakeRequestContext>) {
        let state = self.state
        let scheme = configuration.publicScheme
        router.post("/v2/auth/device/code") { request, context in
            try await Self.formRoute(.deviceCode, request, context, state: state) { form in
                let qrPairing = request.headers[Self.platypusHeader]?.lowercased() == "true"
                switch await state.issueDeviceCode(form, qrPairing: qrPairing, activationURL: Self.activationURL(for: request, scheme: scheme)) {
                case .issued(let response): return .json(response)
                case .error(let code): return .oauthError(code)
                }
            }
        }
        router.post("/v2/auth/token") { request, context in
            try await Self.formRoute(.token, request, context, state: state) { form in
                switch await state.exchange(form) {
                case .issued(let tokens): return .json(tokens)
                case .error(let code): return .oauthError(code)
                case .notAuthorized: return .notAuthorized
                }
            }
        }
        router.post("/v2/auth/revoke") { request, context in
            try await Self.formRoute(.revoke, request, context, state: state) { form in
                switch await state.revoke(form) {
                case .revoked: return .json(["success": true])
                case .error(let code): return .oauthError(code)
                }
            }
        }
    }

    static let platypusHeader = HTTPField.Name("x-client-platypus-enabled")!
    static let clientVersionHeader = HTTPField.Name("x-client-version")!
    /// Form bodies are a few hundred bytes; anything near this is not a client of ours.
    static let maxFormBytes = 64 * 1024

    /// A form-bodied API call: count a missing `x-client-version`, read and parse
    /// the form (any failure is `invalid_request`, as Frame.io answers a JSON body),
    /// and run the work through the endpoint's queued fault.
    static func formRoute(
        _ endpoint: FaultEndpoint,
        _ request: Request,
        _ context: FakeRequestContext,
        state: ProviderState,
        work: @escaping @Sendable ([String: String]) async -> FakeReply
    ) async throws -> Response {
        if request.headers[clientVersionHeader] == nil { await state.countMissingClientVersion() }
        let body = try await request.body.collect(upTo: maxFormBytes)
        return try await FaultInjection.respond(to: endpoint, state: state, context: context) {
            let form: [String: String]
            do {
                form = try FormBody.parse(contentType: request.headers[.contentType], body: Array(buffer: body))
            } catch {
                return .oauthError(.invalidRequest)
            }
            return await work(form)
        }
    }

    /// Where people approve devices, as this request reached us (so the QR code works
    /// from whatever address the client used).
    static func activationURL(for request: Request, scheme: String) -> String {
        "\(scheme)://\(request.head.authority ?? "127.0.0.1")/device"
    }
}

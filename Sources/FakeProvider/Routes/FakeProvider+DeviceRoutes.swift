// SPDX-License-Identifier: Apache-2.0
import Hummingbird

/// The Bearer-authenticated device API: `GET /v2/devices/me`, `POST /v2/devices/heartbeat`.
extension FakeProvider {
    func addDeviceRoutes(to router: Router<FakeRequestContext>) {
        let state = self.state
        router.get("/v2/devices/me") { request, context in
            try await Self.bearerRoute(.devicesMe, request, context, state: state) { token in
                guard let info = await state.deviceInfo(bearer: token) else { return .notAuthorized }
                return .json(info)
            }
        }
        router.post("/v2/devices/heartbeat") { request, context in
            try await Self.bearerRoute(.heartbeat, request, context, state: state) { token in
                await state.heartbeat(bearer: token) ? .noContent : .notAuthorized
            }
        }
    }

    static func bearerRoute(
        _ endpoint: FaultEndpoint,
        _ request: Request,
        _ context: FakeRequestContext,
        state: ProviderState,
        work: @escaping @Sendable (String?) async -> FakeReply
    ) async throws -> Response {
        if request.headers[clientVersionHeader] == nil { await state.countMissingClientVersion() }
        let token = bearerToken(request.headers[.authorization])
        return try await FaultInjection.respond(to: endpoint, state: state, context: context) {
            await work(token)
        }
    }

    /// The token of an `Authorization: Bearer <token>` header (the scheme is case-insensitive).
    static func bearerToken(_ header: String?) -> String? {
        guard let header else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingSpaces()
        return token.isEmpty ? nil : token
    }
}

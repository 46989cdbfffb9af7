// SPDX-License-Identifier: Apache-2.0
import Hummingbird
import ServiceLifecycle
import Logging
import NIOCore

/// A faithful fake of Frame.io's Camera to Cloud auth API (see
/// `docs/providers.md` §1), with a browser activation page and
/// a test-control API under `/_fake/`.
///
/// It is strict where the real service is strict (form bodies only, single-use
/// refresh tokens, short-lived device codes, slow_down), because a lenient
/// fake hides the bugs a camera in the field would hit.
public struct FakeProvider: Sendable {
    public let configuration: FakeProviderConfiguration
    public let state: ProviderState
    let logger: Logger

    public init(configuration: FakeProviderConfiguration = .init(), clock: any FakeClock = SystemClock(), logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        self.state = ProviderState(configuration: configuration, clock: clock, logger: logger)
    }

    public func makeRouter() -> Router<FakeRequestContext> {
        let router = Router(context: FakeRequestContext.self)
        // Each dialect's server once, however many dialects share it.
        for routes in ServedDialect.Routes.allCases where Self.dialects.contains(where: { $0.routes == routes }) {
            addRoutes(routes, to: router)
        }
        addActivationRoutes(to: router)
        addControlRoutes(to: router)
        return router
    }

    /// A server on 127.0.0.1 only: the fake hands out real-looking tokens and
    /// must never be reachable from another host.
    /// - Parameter onListening: called with the bound port once it accepts connections.
    public func makeApplication(
        port: Int,
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            router: makeRouter(),
            configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: "deviceauth-fake-provider"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? port) },
            logger: logger
        )
    }
}

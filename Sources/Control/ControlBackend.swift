// SPDX-License-Identifier: Apache-2.0
import DeviceAuthConfig
import ControlProtocol
import DeviceAuth
import OAuthProvider

/// What the control socket drives: the engine, seen from outside.
///
/// Contract for implementers: `pair`, `cancel` and `unpair` have taken effect
/// when they return (a `status` right after shows it); `updates` starts with
/// the current snapshot; `token` and the login calls answer within a bounded time.
public protocol ControlBackend: Sendable {
    func snapshot() async -> PairingSnapshot
    func updates() async -> AsyncStream<PairingSnapshot>
    func pair() async
    func cancelPairing() async
    func unpair() async -> RevokeOutcome
    func token(minValidSeconds: Double) async throws -> Grant
    /// `refresh` (administrators): a refresh now, even in a backoff; answers when it is done.
    func refresh() async throws -> Grant
    /// `login_start`: `redirectURI` is the CLI's loopback listener; a configured one wins.
    func beginLogin(redirectURI: String?) async throws(LoginFailure) -> ControlLogin
    func finishLogin(state: String, code: String) async throws(LoginFailure) -> PairingSnapshot
    func importRefreshToken(_ refreshToken: String) async throws(LoginFailure) -> PairingSnapshot
    /// `login_password`: the user's email and password, used once.
    func passwordLogin(username: String, password: String) async throws(LoginFailure) -> PairingSnapshot
    /// `doctor` (administrators): every link to the provider checked, each bounded in time.
    func doctor() async -> [ControlCheck]
}

/// The engine as the control socket's backend, with what the configuration says of logins.
public struct EngineBackend: ControlBackend {
    let engine: PairingEngine
    /// How the dialect gets its first tokens; each login method answers only its own.
    let loginMethod: DaemonConfiguration.LoginMethod
    /// RedirectURI=, when configured.
    let redirectURI: String?
    /// The daemon's checks (they need its settings, files and network: the executable has them).
    let diagnose: @Sendable () async -> [ControlCheck]

    public init(engine: PairingEngine, loginMethod: DaemonConfiguration.LoginMethod, redirectURI: String?,
                diagnose: @escaping @Sendable () async -> [ControlCheck]) {
        self.engine = engine
        self.loginMethod = loginMethod
        self.redirectURI = redirectURI
        self.diagnose = diagnose
    }

    public func doctor() async -> [ControlCheck] { await diagnose() }

    public func snapshot() async -> PairingSnapshot { await engine.snapshot }
    public func updates() async -> AsyncStream<PairingSnapshot> { await engine.updates() }
    public func pair() async { await engine.pair() }
    public func cancelPairing() async { await engine.cancelPairing() }
    public func unpair() async -> RevokeOutcome { await engine.unpair(revokeWait: .seconds(10)) }
    public func token(minValidSeconds: Double) async throws -> Grant { try await engine.token(minValidSeconds: minValidSeconds) }
    public func refresh() async throws -> Grant { try await engine.refreshNow() }

    /// Refuses a login of another kind than the dialect's, saying which one it takes.
    private func expect(_ methods: DaemonConfiguration.LoginMethod...) throws(LoginFailure) {
        guard !methods.contains(loginMethod) else { return }
        switch loginMethod {
        case .deviceCode: throw LoginFailure("this provider type pairs with a device code (deviceauthctl pair), it has no login")
        case .browser: throw LoginFailure("this provider type logs in through a browser: run deviceauthctl login without --username")
        case .password: throw LoginFailure("this provider type logs in with an email and password: run deviceauthctl login --username EMAIL")
        }
    }

    public func beginLogin(redirectURI requested: String?) async throws(LoginFailure) -> ControlLogin {
        try expect(.browser)
        guard let redirect = redirectURI ?? requested, LoginRedirect.acceptable(redirect) else {
            throw LoginFailure("no usable redirect URI: give deviceauthctl login a loopback one or set RedirectURI= in [Provider]")
        }
        let (url, state) = try await engine.beginLogin(redirectURI: redirect)
        return ControlLogin(url: url, state: state, redirectURI: redirect)
    }

    public func finishLogin(state: String, code: String) async throws(LoginFailure) -> PairingSnapshot {
        try expect(.browser)
        return try await engine.finishLogin(state: state, code: code)
    }

    public func importRefreshToken(_ refreshToken: String) async throws(LoginFailure) -> PairingSnapshot {
        try expect(.browser, .password)
        return try await engine.importRefreshToken(refreshToken)
    }

    public func passwordLogin(username: String, password: String) async throws(LoginFailure) -> PairingSnapshot {
        try expect(.password)
        return try await engine.passwordLogin(username: username, password: password)
    }
}

enum LoginRedirect {
    static func acceptable(_ uri: String) -> Bool {
        EndpointURL.problem(uri) == nil && uri.utf8.count <= 512
    }
}

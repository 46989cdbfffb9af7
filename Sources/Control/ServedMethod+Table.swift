// SPDX-License-Identifier: Apache-2.0
import ControlProtocol
import DeviceAuth
import EpochTime
import Release

/// What the server does for each method of `ControlMethods.all` (a test checks the
/// two lists name the same methods). Handlers reach the engine through `call.backend`.
extension ServedMethod {
    static let all: [ServedMethod] = [
        ServedMethod(StatusMethod.self) { _, call in await call.statusResult() },
        ServedMethod(watching: WatchMethod.self),
        ServedMethod(PairMethod.self) { _, call in
            await call.backend.pair()
            return await call.statusResult()
        },
        ServedMethod(CancelMethod.self) { _, call in
            await call.backend.cancelPairing()
            return await call.statusResult()
        },
        ServedMethod(UnpairMethod.self) { _, call in
            let outcome = await call.backend.unpair()
            return UnpairResult(status: call.status(await call.backend.snapshot()), revoked: outcome == .revoked,
                                revocation: outcome.wireName, message: outcome.description)
        },
        ServedMethod(TokenMethod.self) { parameters, call throws(ControlError) in
            let grant = try await call.tokenCall { try await call.backend.token(minValidSeconds: parameters.minValidSeconds ?? 0) }
            // 64-bit and saturating: a 32-bit Int ends in 2038, and a wild clock must not trap.
            let expiresIn = max(0, Saturating.integer(grant.accessExpiresAt.timeIntervalSinceNow, as: Int64.self))
            return TokenResult(token: ControlToken(accessToken: grant.accessToken, tokenType: "bearer",
                                                   expiresAt: grant.accessExpiresAt.epochSeconds, expiresIn: expiresIn))
        },
        ServedMethod(RefreshMethod.self) { _, call throws(ControlError) in
            _ = try await call.tokenCall { try await call.backend.refresh() }
            return await call.statusResult()
        },
        ServedMethod(DoctorMethod.self) { _, call in DoctorResult(checks: await call.backend.doctor()) },
        ServedMethod(VersionMethod.self) { _, _ in VersionResult(version: Release.version) },
        ServedMethod(LoginStartMethod.self) { parameters, call throws(ControlError) in
            LoginStartResult(login: try await call.login { () throws(LoginFailure) in try await call.backend.beginLogin(redirectURI: parameters.redirectURI) })
        },
        ServedMethod(LoginFinishMethod.self) { parameters, call throws(ControlError) in
            try await call.loginStatus { () throws(LoginFailure) in try await call.backend.finishLogin(state: parameters.state, code: parameters.code) }
        },
        ServedMethod(LoginImportMethod.self) { parameters, call throws(ControlError) in
            guard !parameters.refreshToken.isEmpty else { throw ControlError(.badRequest, "login_import needs refresh_token") }
            return try await call.loginStatus { () throws(LoginFailure) in try await call.backend.importRefreshToken(parameters.refreshToken) }
        },
        ServedMethod(LoginPasswordMethod.self) { parameters, call throws(ControlError) in
            guard !parameters.username.isEmpty, !parameters.password.isEmpty else {
                throw ControlError(.badRequest, "login_password needs username and password")
            }
            return try await call.loginStatus { () throws(LoginFailure) in
                try await call.backend.passwordLogin(username: parameters.username, password: parameters.password)
            }
        },
    ]
}

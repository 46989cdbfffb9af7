// SPDX-License-Identifier: Apache-2.0
import OAuthProvider

/// Why a login did not give the device tokens; the daemon is as it was.
public struct LoginFailure: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// `deviceauthctl login`: the daemon owns the grant. It makes the PKCE verifier
/// and `state`, hands out only the authorization URL, takes back the code and
/// exchanges it itself; the verifier never leaves this actor.
extension PairingEngine {
    /// Logins waiting for their code, at most this many (the oldest is dropped).
    static let maxPendingLogins = 4
    /// A login not finished within this time is forgotten (its URL stops working for us).
    static let loginLifetime = 600.0

    /// Starts a login: the URL a person opens, and the `state` that names this login.
    public func beginLogin(redirectURI: String) async throws(LoginFailure) -> (url: String, state: String) {
        guard state.grant == nil else { throw LoginFailure("the device is already authorized; run deviceauthctl unpair first to log in again") }
        let request = LoginRequest.make(redirectURI: redirectURI)
        let url: String
        do { url = try await client.authorizationURL(request) } catch {
            throw LoginFailure("cannot start a login: \(error)")
        }
        let now = clock.now().boot.seconds
        logins = logins.filter { now - $0.value.startedAt < Self.loginLifetime }
        if logins.count >= Self.maxPendingLogins, let oldest = logins.min(by: { $0.value.startedAt < $1.value.startedAt }) {
            logins[oldest.key] = nil
        }
        logins[request.state] = (request, now)
        return (url, request.state)
    }

    /// Finishes the login named by `state` with the authorization server's `code`.
    public func finishLogin(state loginState: String, code: String) async throws(LoginFailure) -> PairingSnapshot {
        guard let (request, startedAt) = logins.removeValue(forKey: loginState),
              clock.now().boot.seconds - startedAt < Self.loginLifetime
        else { throw LoginFailure("the redirect's state does not match a login in progress (expired, already used, or not from this device): nothing was stored") }
        let grant: Grant
        do { grant = try await client.exchangeCode(code, for: request, now: clock.now()) } catch {
            throw LoginFailure("the authorization server refused the code: \(error)")
        }
        return try apply(login: grant)
    }

    /// Imports a refresh token obtained elsewhere: refreshed at once, kept only if that works.
    /// Its granted scope is unknown here, so the refresh names none (RFC 6749 §6: the same as granted).
    public func importRefreshToken(_ refreshToken: String) async throws(LoginFailure) -> PairingSnapshot {
        guard state.grant == nil else { throw LoginFailure("the device is already authorized; run deviceauthctl unpair first to log in again") }
        let now = clock.now()
        let imported = Grant(accessToken: "", refreshToken: refreshToken, accessExpiresAt: now.wall, obtainedAt: now.wall,
                             obtainedBoot: now.boot, scope: "")
        let grant: Grant
        do { grant = try await client.refresh(imported, now: now) } catch {
            throw LoginFailure("the authorization server refused the refresh token: \(error)")
        }
        return try apply(login: grant)
    }

    /// Logs in with the user's email and password (CameraManager). The password is used
    /// for this one request and kept nowhere; the email is kept with the tokens (`account`).
    public func passwordLogin(username: String, password: String) async throws(LoginFailure) -> PairingSnapshot {
        guard state.grant == nil else { throw LoginFailure("the device is already logged in; run deviceauthctl unpair first to log in as another user") }
        let grant: Grant
        do { grant = try await client.passwordLogin(username: username, password: password, now: clock.now()) } catch {
            let failure = switch error {
            case .grantGone: LoginFailure("the provider rejected the email or password: nothing was stored")
            case .clientRejected(let why):
                LoginFailure("the provider rejected the camera's API key (ClientID= and the client secret): \(why)")
            default: LoginFailure("cannot log in now: \(error); nothing was stored, try again")
            }
            // Failed logins belong in the journal (who tried, not with what).
            logger.notice("login as \(ServerError.printable(username)) failed: \(failure)")
            throw failure
        }
        return try apply(login: grant)
    }

    private func apply(login grant: Grant) throws(LoginFailure) -> PairingSnapshot {
        handle(.loggedIn(grant))
        guard state.grant?.accessToken == grant.accessToken else {
            throw LoginFailure("the device was authorized meanwhile; the new tokens were revoked")
        }
        return PairingSnapshot(state)
    }
}

// SPDX-License-Identifier: Apache-2.0
import AccessPolicy
import ControlProtocol
import DeviceAuth

/// One request being answered: its id, the backend, and the caller's access as it
/// stands now (a reload may change it between two requests of one connection).
struct ControlCall: Sendable {
    let id: Int?
    let backend: any ControlBackend
    let access: PeerAccess
    let identity: ClientIdentity?
    let forwarderSocket: String?

    /// The status as this caller may see it: the pairing code and its URLs only for
    /// those who may pair (whoever reads the code can approve it with their own account).
    func status(_ snapshot: PairingSnapshot) -> ControlStatus {
        var status = ControlStatus(snapshot)
        if !access.seesPairingCode { status.withholdPairingCode() }
        status.clientID = identity?.clientID
        status.clientIDSource = identity?.source.rawValue
        status.forwarderSocket = forwarderSocket
        return status
    }

    func statusResult() async -> StatusResult { StatusResult(status: status(await backend.snapshot())) }

    /// Why no token (or no refresh) could be had, as the wire spells it.
    func tokenCall<T>(_ body: () async throws -> T) async throws(ControlError) -> T {
        do { return try await body() } catch let error as TokenUnavailable {
            switch error {
            case .notAuthorized: throw ControlError(.notAuthorized, error.description)
            case .refreshFailed: throw ControlError(.refreshFailed, error.description)
            }
        } catch {
            throw ControlError(.refreshFailed, "\(error)")
        }
    }

    /// A login that gave no tokens, as the wire spells it.
    func login<T>(_ body: () async throws(LoginFailure) -> T) async throws(ControlError) -> T {
        do { return try await body() } catch { throw ControlError(.loginFailed, error.description) }
    }

    func loginStatus(_ body: () async throws(LoginFailure) -> PairingSnapshot) async throws(ControlError) -> StatusResult {
        StatusResult(status: status(try await login(body)))
    }
}

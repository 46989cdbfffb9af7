// SPDX-License-Identifier: Apache-2.0
import Primitives

/// The device's client id and where it came from.
///
/// Unless `ClientID=` sets it, the id is decided once and kept in
/// `<StateDirectory>/client_id`: a machine id that is regenerated on every
/// boot (a read-only root with a volatile /etc/machine-id) must not make the
/// stored tokens look foreign and cost the pairing on each power cycle.
public struct ClientIdentity: Equatable, Sendable {
    public enum Source: String, Sendable {
        /// `ClientID=` in the configuration.
        case configured
        /// Read from `client_id` in the state directory, as decided at an earlier start.
        case stored
        /// The id the token store's tokens were issued to, kept from before `client_id` existed.
        case tokenStore = "token-store"
        /// Derived now from /etc/machine-id (app-specific, it does not reveal the machine id).
        case machineID = "machine-id"
        /// Random: there was no usable machine id.
        case random
    }

    public static let fileName = "client_id"

    public let clientID: String
    public let source: Source

    public init(clientID: String, source: Source) {
        self.clientID = clientID
        self.source = source
    }

    /// The id to run with. A new one (not configured, not stored) is written to
    /// `client_id` when `save` is set, so every later start uses it.
    /// - Parameters:
    ///   - machineID: the app-specific id from /etc/machine-id, or why there is none.
    ///   - tokenStoreClientID: the client id of tokens already stored, if any.
    public static func resolve(
        configured: String?, stateDirectory: String, save: Bool,
        machineID: () -> Result<String, any Error>, tokenStoreClientID: () -> String?,
        random: () -> String = randomID
    ) throws(FileError) -> (identity: ClientIdentity, notice: String?) {
        if let configured { return (ClientIdentity(clientID: configured, source: .configured), nil) }
        let path = stateDirectory + "/" + fileName
        if let text = try? SystemFiles.readText(path, limit: 4096), let stored = valid(text) {
            return (ClientIdentity(clientID: stored, source: .stored), nil)
        }
        let identity: ClientIdentity
        var notice: String?
        if let kept = tokenStoreClientID().flatMap(valid) {
            identity = ClientIdentity(clientID: kept, source: .tokenStore)
        } else {
            switch machineID() {
            case .success(let derived):
                identity = ClientIdentity(clientID: derived, source: .machineID)
            case .failure(let problem):
                identity = ClientIdentity(clientID: random(), source: .random)
                notice = "\(problem); using a random client id instead, kept in \(path)"
            }
        }
        if save { try SystemFiles.writeAtomically(Array((identity.clientID + "\n").utf8), to: path, mode: 0o644) }
        return (identity, notice)
    }

    /// One line of printable ASCII without spaces, as OAuth's client_id allows.
    static func valid(_ text: String) -> String? {
        let words = text.split(whereSeparator: \.isWhitespace)
        guard words.count == 1, let id = words.first.map(String.init), id.utf8.count <= 255, id.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return nil }
        return id
    }

    /// 128 random bits as 32 hex digits, like a machine id.
    public static func randomID() -> String {
        var generator = SystemRandomNumberGenerator()
        return Hex.encode((0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }
}

import Crypto
import FoundationEssentials

/// Seals tokens at rest with AES-256-GCM under a key that is not in the
/// database, so a copied database file alone reveals nothing.
public struct TokenSealer: Sendable {
    let key: SymmetricKey

    /// `keyMaterial` is 32 random bytes (the `token_key` credential or key file);
    /// HKDF turns it into the sealing key, so the raw material is used for nothing else.
    public init(keyMaterial: [UInt8]) {
        key = HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: keyMaterial),
                                     info: Array("deviceauthd token store v1".utf8), outputByteCount: 32)
    }

    /// `context` (e.g. the client id) is authenticated with the tokens: a sealed
    /// blob cannot be moved to another device's or client's record.
    public func seal(_ plaintext: [UInt8], context: String) throws -> [UInt8] {
        let box = try AES.GCM.seal(plaintext, using: key, authenticating: Array(context.utf8))
        guard let combined = box.combined else { throw CryptoKitError.incorrectParameterSize }
        return Array(combined)
    }

    public func open(_ sealed: [UInt8], context: String) throws -> [UInt8] {
        let box = try AES.GCM.SealedBox(combined: sealed)
        return Array(try AES.GCM.open(box, using: key, authenticating: Array(context.utf8)))
    }
}

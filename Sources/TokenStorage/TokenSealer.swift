// SPDX-License-Identifier: Apache-2.0
import Primitives
import CCrypto

/// Seals tokens at rest with AES-256-GCM (the system's libcrypto) under a key
/// that is not in the database, so a copied database file alone reveals nothing.
/// A sealed blob is nonce (12 bytes) ‖ ciphertext ‖ tag (16 bytes).
public struct TokenSealer: Sendable {
    let key: [UInt8]
    static let nonceBytes = 12, tagBytes = 16

    /// `keyMaterial` is 32 random bytes (the `token_key` credential or key file);
    /// HKDF turns it into the sealing key, so the raw material is used for nothing else.
    public init(keyMaterial: [UInt8]) {
        key = SHA256.hkdf(keyMaterial: keyMaterial, info: Array("deviceauthd token store v1".utf8), outputByteCount: 32)
    }

    public struct SealError: Error, CustomStringConvertible {
        public let description: String
    }

    /// `context` (e.g. the client id) is authenticated with the tokens: a sealed
    /// blob cannot be moved to another device's or client's record.
    public func seal(_ plaintext: [UInt8], context: String) throws(SealError) -> [UInt8] {
        var nonce = [UInt8](repeating: 0, count: Self.nonceBytes)
        guard RAND_bytes(&nonce, Int32(nonce.count)) == 1 else { throw SealError(description: "no random bytes for a nonce") }
        var tag = [UInt8](repeating: 0, count: Self.tagBytes)
        let ciphertext = try crypt(plaintext, nonce: nonce, context: context, tag: &tag, encrypt: true)
        return nonce + ciphertext + tag
    }

    public func open(_ sealed: [UInt8], context: String) throws(SealError) -> [UInt8] {
        guard sealed.count >= Self.nonceBytes + Self.tagBytes else { throw SealError(description: "sealed record too short") }
        var tag = Array(sealed.suffix(Self.tagBytes))
        return try crypt(Array(sealed[Self.nonceBytes..<(sealed.count - Self.tagBytes)]), nonce: Array(sealed.prefix(Self.nonceBytes)),
                         context: context, tag: &tag, encrypt: false)
    }

    /// One AES-256-GCM pass; on opening, a tag that does not match is an error (the key,
    /// the context or the bytes are not the ones sealed).
    private func crypt(_ input: [UInt8], nonce: [UInt8], context: String, tag: inout [UInt8], encrypt: Bool) throws(SealError) -> [UInt8] {
        guard let cipher = EVP_CIPHER_CTX_new() else { throw SealError(description: "libcrypto could not allocate a cipher") }
        defer { EVP_CIPHER_CTX_free(cipher) }
        let mode: Int32 = encrypt ? 1 : 0
        var length: Int32 = 0
        var output = [UInt8](repeating: 0, count: input.count + 16)
        let aad = Array(context.utf8)
        var ok = EVP_CipherInit_ex(cipher, EVP_aes_256_gcm(), nil, nil, nil, mode) == 1
            && EVP_CIPHER_CTX_ctrl(cipher, EVP_CTRL_GCM_SET_IVLEN, Int32(nonce.count), nil) == 1
            && EVP_CipherInit_ex(cipher, nil, nil, key, nonce, mode) == 1
            && EVP_CipherUpdate(cipher, nil, &length, aad, Int32(aad.count)) == 1
            && EVP_CipherUpdate(cipher, &output, &length, input, Int32(input.count)) == 1
        let written = Int(length)
        if ok && !encrypt { ok = EVP_CIPHER_CTX_ctrl(cipher, EVP_CTRL_GCM_SET_TAG, Int32(tag.count), &tag) == 1 }
        ok = ok && output.withUnsafeMutableBufferPointer { EVP_CipherFinal_ex(cipher, $0.baseAddress! + written, &length) } == 1
        if ok && encrypt { ok = EVP_CIPHER_CTX_ctrl(cipher, EVP_CTRL_GCM_GET_TAG, Int32(tag.count), &tag) == 1 }
        guard ok else { throw SealError(description: encrypt ? "sealing failed" : "authentication failed: wrong key, context or data") }
        return Array(output.prefix(written))
    }
}

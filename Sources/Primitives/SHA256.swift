// SPDX-License-Identifier: Apache-2.0
import CCrypto

/// SHA-256 and HMAC-SHA-256 from the system's libcrypto.
package enum SHA256 {
    package static func hash(_ bytes: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        // EVP_Digest only fails when libcrypto cannot allocate: no digest is no daemon.
        guard EVP_Digest(bytes, bytes.count, &digest, &length, EVP_sha256(), nil) == 1 else {
            fatalError("libcrypto could not compute a SHA-256 digest")
        }
        return Array(digest.prefix(Int(length)))
    }

    package static func hmac(key: [UInt8], _ message: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        guard HMAC(EVP_sha256(), key, Int32(key.count), message, message.count, &digest, &length) != nil else {
            fatalError("libcrypto could not compute an HMAC-SHA-256")
        }
        return Array(digest.prefix(Int(length)))
    }

    /// RFC 5869 HKDF with SHA-256, no salt (a string of zeros, as §2.2 says), for up to 32 bytes.
    package static func hkdf(keyMaterial: [UInt8], info: [UInt8], outputByteCount: Int) -> [UInt8] {
        precondition(outputByteCount <= 32, "one HMAC block is all the token store needs")
        let pseudoRandomKey = hmac(key: [UInt8](repeating: 0, count: 32), keyMaterial)
        return Array(hmac(key: pseudoRandomKey, info + [1]).prefix(outputByteCount))
    }
}

// SPDX-License-Identifier: Apache-2.0
@testable import TokenStorage
import Primitives
@testable import OAuthProvider
import Foundation
import JSONCoding
import Testing

/// The sealing of tokens at rest: stores written by earlier releases still open,
/// and a blob opens only under its own key and context.
@Suite("Token sealing")
struct TokenSealerTests {
    let material: [UInt8] = (1...32).map { UInt8($0) }

    @Test("A record sealed by an earlier release (swift-crypto's AES.GCM and HKDF) opens unchanged")
    func earlierReleaseOpens() throws {
        // Sealed with key material 1…32 and context "camera-1" by the swift-crypto build.
        let sealed = bytes("6b336c3f9c3159c174d3b0a00839a61e3afbb37638c933652d711371773bd43e15ed88438c5d47b68c4b64d6886e39d9")
        let opened = try TokenSealer(keyMaterial: material).open(sealed, context: "camera-1")
        #expect(String(decoding: opened, as: UTF8.self) == #"{"access_token":"a"}"#)
    }

    @Test("Sealing round-trips with a fresh nonce; another key, context, or a flipped bit does not open")
    func roundTripAndRefusals() throws {
        let sealer = TokenSealer(keyMaterial: material)
        let plaintext = Array("refresh and access".utf8)
        let first = try sealer.seal(plaintext, context: "camera-1"), second = try sealer.seal(plaintext, context: "camera-1")
        #expect(first != second)
        #expect(first.count == 12 + plaintext.count + 16)
        #expect(try sealer.open(first, context: "camera-1") == plaintext)
        #expect(throws: TokenSealer.SealError.self) { try sealer.open(first, context: "camera-2") }
        #expect(throws: TokenSealer.SealError.self) { try TokenSealer(keyMaterial: [UInt8](repeating: 7, count: 32)).open(first, context: "camera-1") }
        var flipped = first
        flipped[14] ^= 1
        #expect(throws: TokenSealer.SealError.self) { try sealer.open(flipped, context: "camera-1") }
        #expect(throws: TokenSealer.SealError.self) { try sealer.open(Array(first.prefix(20)), context: "camera-1") }
        #expect(try sealer.open(try sealer.seal([], context: "c"), context: "c") == [])
    }

    @Test("SHA-256, HMAC and HKDF match their published test vectors")
    func digests() {
        #expect(Hex.encode(SHA256.hash(Array("abc".utf8))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        // RFC 4231 test case 2.
        #expect(Hex.encode(SHA256.hmac(key: Array("Jefe".utf8), Array("what do ya want for nothing?".utf8)))
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        // RFC 5869 test case 3 (no salt, no info), first 32 bytes.
        #expect(Hex.encode(SHA256.hkdf(keyMaterial: [UInt8](repeating: 0x0b, count: 22), info: [], outputByteCount: 32))
                == "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d")
        #expect(Fingerprint.of("token") == "3c469e9d6c58")
    }

    @Test("Sealed payloads and cached metadata written by the Foundation build read back the same, and the other way round")
    func foundationCompatible() throws {
        let stored = TokenStore.Stored(accessToken: "AT/1", refreshToken: "RT+2", accessExpiresAt: 1_800_028_800.25, obtainedAt: 1_800_000_000,
                                       obtainedBoot: BootInstant(bootID: "b", seconds: 12.5), scope: "openid offline", account: nil)
        let byFoundation = try JSONEncoder().encode(stored)
        let read = try JSON.decode(TokenStore.Stored.self, from: Array(byFoundation))
        #expect(read.accessToken == "AT/1" && read.refreshToken == "RT+2" && read.accessExpiresAt == 1_800_028_800.25)
        #expect(read.obtainedBoot == stored.obtainedBoot && read.account == nil && read.scope == "openid offline")
        let back = try JSONDecoder().decode(TokenStore.Stored.self, from: Data(try JSON.encode(stored)))
        #expect(back.accessExpiresAt == stored.accessExpiresAt && back.obtainedBoot == stored.obtainedBoot)

        let metadata = ProviderMetadata(issuer: "https://id.example", endpoints: ProviderEndpoints(token: "https://id.example/token"),
                                        authMethods: ["client_secret_basic"], fetchedAt: 1_800_000_000.5)
        let cached = try JSONEncoder().encode(metadata)
        #expect(try JSON.decode(ProviderMetadata.self, from: Array(cached)) == metadata)
        #expect(try JSONDecoder().decode(ProviderMetadata.self, from: Data(try JSON.encode(metadata))) == metadata)
    }

    func bytes(_ hex: String) -> [UInt8] {
        var result: [UInt8] = [], characters = Array(hex)
        while characters.count >= 2 { result.append(UInt8(String(characters.prefix(2)), radix: 16)!); characters.removeFirst(2) }
        return result
    }
}

// SPDX-License-Identifier: Apache-2.0
/// Fresh opaque values for codes and tokens.
///
/// Every secret value carries a fixed marker (`FAKEAT`, `FAKERT`, `FAKEDC`)
/// so a test can scan any captured output for a leaked token, device code
/// or rotated token without knowing its value.
enum RandomTokens {
    static let accessTokenMarker = "FAKEAT"
    static let refreshTokenMarker = "FAKERT"
    static let deviceCodeMarker = "FAKEDC"

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")

    static func opaque(marker: String, length: Int = 40) -> String {
        var generator = SystemRandomNumberGenerator()
        let body = (0..<length).map { _ in alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))] }
        return marker + "_" + String(body)
    }

    /// A six-digit code a person can type; leading zeros are kept.
    static func userCode() -> String {
        var generator = SystemRandomNumberGenerator()
        let n = generator.next(upperBound: UInt64(1_000_000))
        let digits = String(n)
        return String(repeating: "0", count: 6 - digits.count) + digits
    }

    static func identifier() -> String {
        opaque(marker: "id", length: 24)
    }
}

// SPDX-License-Identifier: Apache-2.0
import Primitives

/// RFC 6749 §5.1's successful token answer, validated.
struct TokenResponse: Decodable {
    let accessToken: String
    let refreshToken: String?
    let expiresIn: Double?
    let scope: String?

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token", refreshToken = "refresh_token", expiresIn = "expires_in", scope, tokenType = "token_type"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        accessToken = try container.decodeOpaque(.accessToken)
        refreshToken = try container.contains(.refreshToken) && !container.decodeNil(forKey: .refreshToken)
            ? container.decodeOpaque(.refreshToken) : nil
        expiresIn = try container.decodeSeconds(.expiresIn, in: 1...(366 * 86_400))
        scope = try container.decodeIfPresent(String.self, forKey: .scope)
        if let type = try container.decodeIfPresent(String.self, forKey: .tokenType), type.lowercased() != "bearer" {
            throw ValidationFailure("token_type \(ServerError.printable(String(type.prefix(20)))) is not bearer")
        }
    }

    /// The grant these tokens make. Lifetimes count from when we *sent* the
    /// request, so we never believe a token lives longer than it does.
    /// Without `refresh_token` the old one stays (RFC 6749 §6 allows both).
    func grant(requestedAt: Moment, requestedScope: String, previousRefreshToken: String? = nil) -> Grant {
        Grant(accessToken: accessToken,
              refreshToken: refreshToken ?? previousRefreshToken,
              accessExpiresAt: requestedAt.wall.addingTimeInterval(expiresIn ?? 3600),
              obtainedAt: requestedAt.wall,
              obtainedBoot: requestedAt.boot,
              scope: scope ?? requestedScope)
    }
}

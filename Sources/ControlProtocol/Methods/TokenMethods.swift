// SPDX-License-Identifier: Apache-2.0
import AccessPolicy
/// The access token for token readers; a refresh now for administrators.

public struct TokenParameters: Codable, Sendable, Equatable {
    /// Refresh first when the token would expire within this many seconds (default 0).
    public var minValidSeconds: Double?
    public init(minValidSeconds: Double? = nil) { self.minValidSeconds = minValidSeconds }
    enum CodingKeys: String, CodingKey { case minValidSeconds = "min_valid_seconds" }
}

public struct TokenResult: Codable, Sendable, Equatable {
    public var token: ControlToken
    public init(token: ControlToken) { self.token = token }
}

public enum TokenMethod: ControlMethod {
    public typealias Parameters = TokenParameters
    public typealias Result = TokenResult
    public static let name = "token", use = Use.readToken, command = "token"
}

/// A refresh now, even in a backoff: for a person at the device, not for programs.
public enum RefreshMethod: ControlMethod {
    public typealias Result = StatusResult
    public static let name = "refresh", use = Use.administer, command = "refresh"
}

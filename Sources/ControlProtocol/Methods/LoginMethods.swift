// SPDX-License-Identifier: Apache-2.0
import AccessPolicy
/// The first tokens of the dialects that log in instead of pairing (administrators).

public struct LoginStartParameters: Codable, Sendable, Equatable {
    /// Where the browser is sent back (the caller's loopback listener); the daemon's RedirectURI= wins.
    public var redirectURI: String?
    public init(redirectURI: String? = nil) { self.redirectURI = redirectURI }
    enum CodingKeys: String, CodingKey { case redirectURI = "redirect_uri" }
}

public struct LoginStartResult: Codable, Sendable, Equatable {
    public var login: ControlLogin
    public init(login: ControlLogin) { self.login = login }
}

public enum LoginStartMethod: ControlMethod {
    public typealias Parameters = LoginStartParameters
    public typealias Result = LoginStartResult
    public static let name = "login_start", use = Use.administer, command = "login"
}

/// The `state` and `code` of the redirect the browser ended on.
public struct LoginFinishParameters: Codable, Sendable, Equatable, CarriesSecrets {
    public var state: String
    public var code: String
    public init(state: String, code: String) {
        self.state = state
        self.code = code
    }
    public var carriedSecrets: [String] { ["code"] }
}

public enum LoginFinishMethod: ControlMethod {
    public typealias Parameters = LoginFinishParameters
    public typealias Result = StatusResult
    public static let name = "login_finish", use = Use.administer, command = "login"
}

/// A refresh token obtained elsewhere (a companion app).
public struct LoginImportParameters: Codable, Sendable, Equatable, CarriesSecrets {
    public var refreshToken: String
    public init(refreshToken: String) { self.refreshToken = refreshToken }
    enum CodingKeys: String, CodingKey { case refreshToken = "refresh_token" }
    public var carriedSecrets: [String] { ["refresh_token"] }
}

public enum LoginImportMethod: ControlMethod {
    public typealias Parameters = LoginImportParameters
    public typealias Result = StatusResult
    public static let name = "login_import", use = Use.administer, command = "login"
}

/// The user's email and password, used once by the daemon and kept nowhere. deviceauthctl
/// sends the password without making a `String` of it (`ControlClient.send(_:password:)`).
public struct LoginPasswordParameters: Codable, Sendable, Equatable, CarriesSecrets {
    public var username: String
    public var password: String
    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }
    public var carriedSecrets: [String] { ["password"] }
}

public enum LoginPasswordMethod: ControlMethod {
    public typealias Parameters = LoginPasswordParameters
    public typealias Result = StatusResult
    public static let name = "login_password", use = Use.administer, command = "login"
}

// SPDX-License-Identifier: Apache-2.0
// The objects the methods' results are made of (Methods/).

/// The status object: the state, what to know, the pairing code to those who may see it.
public struct ControlStatus: Codable, Equatable, Sendable {
    public var state: String
    public var status: String
    public var userCode: String?
    public var verificationURI: String?
    public var verificationURIComplete: String?
    public var codeExpiresAt: Int64?
    public var project: String?
    public var tokenExpiresAt: Int64?
    public var problem: String?
    /// The device's OAuth client id, and where it came from (`configured`, `stored`, `machine-id`, `random`, `token-store`).
    public var clientID: String?
    public var clientIDSource: String?
    /// The user the device is logged in as (CameraManager's email), when known.
    public var account: String?
    /// The API forwarder's socket (`[Forwarder] Socket=`), when there is one.
    public var forwarderSocket: String?
    /// True when the device is pairing but this caller may not see the code
    /// (only administrators and `PairingViewers=` do).
    public var codeWithheld: Bool?

    enum CodingKeys: String, CodingKey {
        case state, status, project, problem, account, codeWithheld = "code_withheld", forwarderSocket = "forwarder_socket"
        case clientID = "client_id", clientIDSource = "client_id_source"
        case userCode = "user_code", verificationURI = "verification_uri"
        case verificationURIComplete = "verification_uri_complete"
        case codeExpiresAt = "code_expires_at", tokenExpiresAt = "token_expires_at"
    }

    public init(state: String, status: String, userCode: String? = nil, verificationURI: String? = nil,
                verificationURIComplete: String? = nil, codeExpiresAt: Int64? = nil, project: String? = nil,
                tokenExpiresAt: Int64? = nil, problem: String? = nil) {
        self.state = state
        self.status = status
        self.userCode = userCode
        self.verificationURI = verificationURI
        self.verificationURIComplete = verificationURIComplete
        self.codeExpiresAt = codeExpiresAt
        self.project = project
        self.tokenExpiresAt = tokenExpiresAt
        self.problem = problem
    }

    /// The URL to draw as a QR code.
    public var qrURL: String? { verificationURIComplete ?? verificationURI }

    /// Where a client id came from, in words (`client_id_source` on the wire).
    public static func describeClientIDSource(_ source: String) -> String {
        switch source {
        case "configured": "set by ClientID="
        case "stored": "stored in the state directory"
        case "token-store": "kept from the token store"
        case "machine-id": "derived from /etc/machine-id"
        case "random": "random: no usable /etc/machine-id"
        default: source
        }
    }
}

/// The result of `token`.
public struct ControlToken: Codable, Equatable, Sendable {
    public var accessToken: String
    public var tokenType: String
    public var expiresAt: Int64
    public var expiresIn: Int64

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token", tokenType = "token_type", expiresAt = "expires_at", expiresIn = "expires_in"
    }

    public init(accessToken: String, tokenType: String, expiresAt: Int64, expiresIn: Int64) {
        self.accessToken = accessToken
        self.tokenType = tokenType
        self.expiresAt = expiresAt
        self.expiresIn = expiresIn
    }
}

/// A refused or failed request.
public struct ControlError: Codable, Equatable, Sendable, Error, CustomStringConvertible {
    public var code: String
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code.rawValue
        self.message = message
    }

    public enum Code: String, Sendable {
        case badRequest = "bad_request"
        case requestTooLarge = "request_too_large"
        case unknownMethod = "unknown_method"
        case permissionDenied = "permission_denied"
        case notAuthorized = "not_authorized"
        /// A login that did not give tokens (refused code, wrong state, not a login dialect…).
        case loginFailed = "login_failed"
        case refreshFailed = "refresh_failed"
        case shuttingDown = "shutting_down"
        case tooManyConnections = "too_many_connections"
    }

    public var description: String { "\(code): \(message)" }
}

/// `login_start`'s answer: the authorization URL (holding only the PKCE challenge)
/// and the redirect the browser will be sent to.
public struct ControlLogin: Codable, Equatable, Sendable {
    public var url: String
    public var state: String
    public var redirectURI: String

    public init(url: String, state: String, redirectURI: String) {
        self.url = url
        self.state = state
        self.redirectURI = redirectURI
    }

    enum CodingKeys: String, CodingKey { case url, state, redirectURI = "redirect_uri" }
}

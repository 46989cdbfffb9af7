// SPDX-License-Identifier: Apache-2.0
import JSONCoding

/// The control socket's wire format: one JSON object per line each way.
/// Documented in docs/control-protocol.md; keep the two in step.
/// This module holds only the format and a client, so deviceauthctl links
/// nothing of the daemon (no SQLite, TLS or HTTP client).
public struct ControlRequest: Codable, Sendable {
    /// Echoed in the reply, so a client may pipeline requests.
    public var id: Int?
    public var method: String
    /// `token`: refresh first when the token would expire within this many seconds.
    public var minValidSeconds: Double?
    /// `login_start`: where the browser is sent back (the daemon's RedirectURI= wins).
    public var redirectURI: String?
    /// `login_finish`: the `state` and `code` of the redirect.
    public var state: String?
    public var code: String?
    /// `login_import`: a refresh token obtained elsewhere.
    public var refreshToken: String?
    /// `login_password`: the user's email and password (used once by the daemon, never kept).
    public var username: String?
    public var password: String?

    public init(id: Int? = nil, method: String, minValidSeconds: Double? = nil, redirectURI: String? = nil,
                state: String? = nil, code: String? = nil, refreshToken: String? = nil,
                username: String? = nil, password: String? = nil) {
        self.username = username
        self.password = password
        self.id = id
        self.method = method
        self.minValidSeconds = minValidSeconds
        self.redirectURI = redirectURI
        self.state = state
        self.code = code
        self.refreshToken = refreshToken
    }

    enum CodingKeys: String, CodingKey {
        case id, method, minValidSeconds = "min_valid_seconds", redirectURI = "redirect_uri", state, code, refreshToken = "refresh_token"
        case username, password
    }
}

/// A request printed by mistake (`"\(request)"`) shows which secrets it carries, never their values.
extension ControlRequest: CustomStringConvertible {
    public var description: String {
        let carried = [("code", code), ("refresh_token", refreshToken), ("password", password)].compactMap { $0.1 == nil ? nil : $0.0 }
        return "ControlRequest(\(method)\(id.map { " id \($0)" } ?? "")\(carried.isEmpty ? "" : ", with " + carried.joined(separator: ", ") + " redacted"))"
    }
}

/// The status object of `status`, `watch`, `pair`, `cancel` and `unpair`.
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
    /// True when the device is pairing but this caller may not see the code
    /// (only administrators and `PairingViewers=` do).
    public var codeWithheld: Bool?

    enum CodingKeys: String, CodingKey {
        case state, status, project, problem, account, codeWithheld = "code_withheld"
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

/// One line the server sends. `event` is "status" for the lines of a `watch` after its first reply.
public struct ControlReply: Codable, Sendable {
    public var id: Int?
    public var ok: Bool
    public var event: String?
    public var status: ControlStatus?
    public var token: ControlToken?
    public var error: ControlError?
    /// `unpair`: whether the provider confirmed the revocation, what became of it
    /// (`revoked`, `not_revoked`, `nothing_to_revoke`, `unsupported`: for scripts, such as
    /// the package's purge) and, in `message`, in words.
    public var revoked: Bool?
    public var revocation: String?
    /// `login_start`: what to open, and the login's `state`.
    public var login: ControlLogin?
    public var message: String?
    /// `doctor`: one entry per check, in the order they ran.
    public var checks: [ControlCheck]?

    public init(id: Int?, ok: Bool, event: String? = nil, status: ControlStatus? = nil, token: ControlToken? = nil, error: ControlError? = nil) {
        self.id = id
        self.ok = ok
        self.event = event
        self.status = status
        self.token = token
        self.error = error
    }
}

public enum ControlJSON {
    public static func encode<T: Encodable>(_ value: T) -> [UInt8] {
        // Our own types always encode; the fallback keeps the line protocol intact if one ever did not.
        return ((try? JSON.encode(value)) ?? Array(#"{"ok":false}"#.utf8)) + [UInt8(ascii: "\n")]
    }
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

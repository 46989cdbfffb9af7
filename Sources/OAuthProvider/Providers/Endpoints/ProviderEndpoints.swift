// SPDX-License-Identifier: Apache-2.0
/// Where a provider's grants are sent: given in the config, fixed by the dialect,
/// or discovered from the issuer's metadata (RFC 8414).
public struct ProviderEndpoints: Codable, Equatable, Sendable {
    /// RFC 8628's device authorization endpoint (device-flow dialects only).
    public var deviceAuthorization: String?
    public var token: String
    /// RFC 7009's revocation endpoint; nil: the provider offers none (an unpair only wipes).
    public var revocation: String?
    /// RFC 6749's authorization endpoint, for `deviceauthctl login` (authorization-code dialects).
    public var authorization: String?

    public init(deviceAuthorization: String? = nil, token: String, revocation: String? = nil, authorization: String? = nil) {
        self.deviceAuthorization = deviceAuthorization
        self.token = token
        self.revocation = revocation
        self.authorization = authorization
    }

    enum CodingKeys: String, CodingKey {
        case deviceAuthorization = "device_authorization_endpoint", token = "token_endpoint"
        case revocation = "revocation_endpoint", authorization = "authorization_endpoint"
    }

    /// Which endpoints a dialect cannot work without.
    public enum Need: String, Sendable {
        case deviceAuthorization = "device_authorization_endpoint"
        case authorization = "authorization_endpoint"
    }

    /// The first endpoint that is not a usable URL (`EndpointURL`), by its metadata name, and why.
    public var unusable: (name: String, problem: String)? {
        let named = [("token_endpoint", token), ("device_authorization_endpoint", deviceAuthorization),
                     ("revocation_endpoint", revocation), ("authorization_endpoint", authorization)]
        for case let (name, value?) in named {
            if let problem = EndpointURL.problem(value) { return (name, problem) }
        }
        return nil
    }

    /// The first required endpoint that is missing, by its metadata name.
    public func missing(_ needs: [Need]) -> Need? {
        needs.first { need in
            switch need {
            case .deviceAuthorization: deviceAuthorization == nil
            case .authorization: authorization == nil
            }
        }
    }
}

/// The one rule for every URL we send a token or a secret to.
public enum EndpointURL {
    /// nil when `value` is usable, else why not: https everywhere, plain http only to this
    /// machine (the fake provider, a test server), because tokens must never cross a
    /// network in clear text; no fragment, no user info, printable ASCII.
    public static func problem(_ value: String) -> String? {
        guard value.utf8.count <= 2048, value.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            return "is not a URL (spaces, control characters or over 2048 bytes)"
        }
        guard value.hasPrefix("https://") || value.hasPrefix("http://") else { return "must be an https:// URL" }
        guard let origin = URLOrigin(value) else { return "has no host (or no valid port)" }
        guard !origin.hasUserInfo else { return "must not carry a user name or password" }
        guard !value.contains("#") else { return "must not have a #fragment" }
        if origin.scheme == "http" {
            guard ["127.0.0.1", "localhost", "[::1]"].contains(origin.host) else {
                return "must use https:// (plain http:// is allowed only to 127.0.0.1, ::1 or localhost)"
            }
        }
        return nil
    }
}

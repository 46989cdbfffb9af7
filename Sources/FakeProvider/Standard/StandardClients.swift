// SPDX-License-Identifier: Apache-2.0
import Foundation

/// The clients registered at the fake's standard endpoints, one per RFC 6749 §2.3
/// method, and a strict check of how each authenticates: a client registered for
/// Basic that puts its secret in the form (or the reverse) is refused, as real
/// servers refuse it, so a daemon that sends credentials the wrong way finds out here.
enum StandardClients {
    static let methods: [String: String] = [
        "basic-client": "client_secret_basic",
        "post-client": "client_secret_post",
        "public-client": "none",
    ]

    /// The authenticated client id, or why not.
    static func authenticate(form: [String: String], authorization: String?, secretMatches: (String) -> Bool) -> Result<String, OAuthErrorCode> {
        var basic: (id: String, secret: String)?
        if let authorization {
            guard let credentials = basicCredentials(authorization) else { return .failure(.invalidClient) }
            basic = credentials
        }
        guard let clientID = basic?.id ?? form["client_id"], !clientID.isEmpty else { return .failure(.invalidRequest) }
        guard let method = methods[clientID] else { return .failure(.invalidClient) }
        if let basic, let formID = form["client_id"], formID != basic.id { return .failure(.invalidRequest) }
        switch method {
        case "client_secret_basic":
            guard let basic, secretMatches(basic.secret), form["client_secret"] == nil else { return .failure(.invalidClient) }
        case "client_secret_post":
            guard basic == nil, let secret = form["client_secret"], secretMatches(secret) else { return .failure(.invalidClient) }
        default:
            // A public client has no secret: sending one (anywhere) is a client that is confused.
            guard basic == nil, form["client_secret"] == nil else { return .failure(.invalidClient) }
        }
        return .success(clientID)
    }

    /// RFC 6749 §2.3.1: base64 of the form-urlencoded id, ":", the form-urlencoded secret.
    static func basicCredentials(_ header: String) -> (id: String, secret: String)? {
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "basic",
              let decoded = Data(base64Encoded: String(parts[1]).trimmingSpaces()).flatMap({ String(data: $0, encoding: .utf8) }),
              let colon = decoded.firstIndex(of: ":")
        else { return nil }
        guard let id = try? FormBody.percentDecoded(ArraySlice(Array(decoded[..<colon].utf8))),
              let secret = try? FormBody.percentDecoded(ArraySlice(Array(decoded[decoded.index(after: colon)...].utf8)))
        else { return nil }
        return (id, secret)
    }
}

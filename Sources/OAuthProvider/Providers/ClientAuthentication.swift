// SPDX-License-Identifier: Apache-2.0
import Primitives

/// How the client proves who it is on a token-endpoint request (RFC 6749 §2.3.1,
/// RFC 8414's `token_endpoint_auth_method`). A dialect picks one; every grant
/// request goes through it, so no request file handles the secret itself.
public enum ClientAuthentication: String, Sendable, CaseIterable {
    /// `client_id` and `client_secret` as form fields (Frame.io C2C).
    case clientSecretPost = "client_secret_post"
    /// `Authorization: Basic` of the form-encoded id and secret; the secret never in the
    /// form, the id there too unless the dialect's reference says otherwise (`idInForm`).
    case clientSecretBasic = "client_secret_basic"
    /// A public client: `client_id` in the form, no secret anywhere.
    case none

    /// The form fields and headers of one request, with the client's credentials placed.
    ///
    /// `idInForm`: `client_id` goes in the form under Basic as well. RFC 8628 §3.1 and
    /// RFC 6749 §4.1.3 require it only of clients that do not authenticate, but servers
    /// built on oauthlib refuse a device authorization request without it, and the
    /// interoperable clients (golang.org/x/oauth2, requests-oauthlib) always send it;
    /// it is an identifier, not a second authentication (RFC 6749 §2.3.1 forbids only that).
    func place(_ credentials: ClientCredentials, in fields: [(String, String)], idInForm: Bool = true) -> (fields: [(String, String)], headers: [(String, String)]) {
        switch self {
        case .clientSecretPost:
            return ([("client_id", credentials.clientID), ("client_secret", credentials.clientSecret)] + fields, [])
        case .clientSecretBasic:
            // RFC 6749 §2.3.1: each part form-urlencoded first, then "id:secret" in base64.
            let pair = FormEncoding.escape(credentials.clientID) + ":" + FormEncoding.escape(credentials.clientSecret)
            let identified = idInForm ? [("client_id", credentials.clientID)] + fields : fields
            return (identified, [("authorization", "Basic " + Base64.encode(Array(pair.utf8)))])
        case .none:
            return ([("client_id", credentials.clientID)] + fields, [])
        }
    }
}

/// One form POST to a provider endpoint, authenticated as the dialect says.
enum FormRequest {
    static func call(_ profile: ProviderProfile, url: String, credentials: ClientCredentials,
                     fields: [(String, String)], extraHeaders: [(String, String)] = []) -> HTTPCall {
        let (fields, authorization) = profile.clientAuthentication.place(credentials, in: fields, idInForm: profile.clientIDInForm)
        let headers = profile.commonHeaders + [("content-type", "application/x-www-form-urlencoded")] + authorization + extraHeaders
        return HTTPCall(method: "POST", url: url, headers: headers, body: FormEncoding.encode(fields))
    }
}

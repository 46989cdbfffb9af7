// SPDX-License-Identifier: Apache-2.0
/// Which rules an endpoint family follows: Frame.io's quirks or the RFCs'.
enum FakeDialect: Sendable { case frameio, standard }

/// Switches of the standard endpoints that tests flip at run time
/// (`POST /_fake/settings`, snake_case fields, each optional).
public struct FakeSettings: Codable, Sendable, Equatable {
    /// Refresh tokens are single use (a new one with each refresh) or kept (no `refresh_token` in the answer).
    public var rotateRefreshTokens = true
    /// The login page approves at once (a 302 back to the client) instead of asking.
    public var autoApproveLogins = false
    /// Serve this `issuer` in the metadata instead of the true one (a mix-up, RFC 8414 §3.3).
    public var metadataIssuer: String?
    /// Device authorization answers carry `verification_uri_complete` (RFC 8628 §3.3.1: optional).
    public var verificationURIComplete = true
    /// Leave these fields out of the metadata.
    public var metadataOmit: [String] = []
    /// Which metadata documents are served (`oauth-authorization-server`, RFC 8414;
    /// `openid-configuration`, OpenID Discovery); the others answer 404.
    public var metadataDocuments = FakeSettings.allMetadataDocuments
    public static let allMetadataDocuments = ["oauth-authorization-server", "openid-configuration"]
    /// Every form request (device authorization, token, revocation) must name `client_id` in
    /// the form, however the client authenticates: oauthlib's servers refuse one without it
    /// (`invalid_request`, "Missing client_id parameter."), stricter than RFC 8628 §3.1.
    public var requireClientIDInForm = true
    /// What a revocation's 200 carries (RFC 7009 §2.2: the client ignores it): `empty_html`,
    /// no body as `text/html` (oauthlib's, through Django or Flask), `empty`, or `json`.
    public var revocationReply = RevocationReply.emptyHTML
    public enum RevocationReply: String, Codable, Sendable { case emptyHTML = "empty_html", empty, json }

    enum CodingKeys: String, CodingKey {
        case rotateRefreshTokens = "rotate_refresh_tokens", autoApproveLogins = "auto_approve_logins"
        case verificationURIComplete = "verification_uri_complete"
        case metadataIssuer = "metadata_issuer", metadataOmit = "metadata_omit", metadataDocuments = "metadata_documents"
        case requireClientIDInForm = "require_client_id_in_form", revocationReply = "revocation_reply"
    }

    public init() {}

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = FakeSettings()
        rotateRefreshTokens = try container.decodeIfPresent(Bool.self, forKey: .rotateRefreshTokens) ?? defaults.rotateRefreshTokens
        autoApproveLogins = try container.decodeIfPresent(Bool.self, forKey: .autoApproveLogins) ?? defaults.autoApproveLogins
        verificationURIComplete = try container.decodeIfPresent(Bool.self, forKey: .verificationURIComplete) ?? defaults.verificationURIComplete
        metadataIssuer = try container.decodeIfPresent(String.self, forKey: .metadataIssuer)
        metadataOmit = try container.decodeIfPresent([String].self, forKey: .metadataOmit) ?? []
        metadataDocuments = try container.decodeIfPresent([String].self, forKey: .metadataDocuments) ?? defaults.metadataDocuments
        requireClientIDInForm = try container.decodeIfPresent(Bool.self, forKey: .requireClientIDInForm) ?? defaults.requireClientIDInForm
        revocationReply = try container.decodeIfPresent(RevocationReply.self, forKey: .revocationReply) ?? defaults.revocationReply
    }
}

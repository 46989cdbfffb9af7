// SPDX-License-Identifier: Apache-2.0
import Foundation

/// The body of `GET /v2/devices/me`.
struct DeviceInfo: Encodable, Sendable {
    struct Project: Encodable, Sendable { let id: String; let name: String }
    struct Creator: Encodable, Sendable { let name: String }
    struct Scopes: Encodable, Sendable {
        let assetCreate: Bool
        let offline: Bool
        enum CodingKeys: String, CodingKey { case assetCreate = "asset_create", offline }
    }
    struct AuthorizationInfo: Encodable, Sendable {
        let creator: Creator
        let scopes: Scopes
        let expiresAt: String
        enum CodingKeys: String, CodingKey { case creator, scopes, expiresAt = "expires_at" }
    }

    let id: String
    let name: String
    let projectID: String
    let project: Project
    let status: String
    let authorization: AuthorizationInfo

    enum CodingKeys: String, CodingKey {
        case id, name, projectID = "project_id", project, status, authorization
    }
}

extension ProviderState {
    /// The authorization a Bearer access token belongs to, if the token still works.
    private func liveAuthorization(bearer token: String?) -> Authorization? {
        guard let token, let id = authorizationByAccessToken[token], let auth = authorizations[id],
              !auth.revoked, clock.now() < auth.accessExpiresAt
        else { return nil }
        return auth
    }

    /// `GET /v2/devices/me`; nil means 401.
    /// Whether a Bearer access token works now (the echo endpoint's check, counted).
    func acceptsEcho(bearer token: String?) -> Bool {
        let accepted = liveAuthorization(bearer: token) != nil
        counters.echoes += 1
        if !accepted { counters.echoesRefused += 1 }
        return accepted
    }

    func deviceInfo(bearer token: String?) -> DeviceInfo? {
        guard let auth = liveAuthorization(bearer: token) else { return nil }
        counters.devicesMe += 1
        return DeviceInfo(
            id: deviceIDs[auth.clientID] ?? auth.id,
            name: configuration.deviceName,
            projectID: projectID,
            project: .init(id: projectID, name: configuration.projectName),
            status: "online",
            authorization: .init(
                creator: .init(name: configuration.approverName),
                scopes: .init(assetCreate: auth.scopes.contains("asset_create"), offline: auth.scopes.contains("offline")),
                expiresAt: ISO8601DateFormatter().string(from: auth.refreshExpiresAt)
            )
        )
    }

    /// `POST /v2/devices/heartbeat`; false means 401.
    func heartbeat(bearer token: String?) -> Bool {
        guard let auth = liveAuthorization(bearer: token) else { return false }
        let now = clock.now()
        // Frame.io asks for one every 120 s and never more than one a minute; count offenders.
        if let last = auth.lastHeartbeatAt, now.timeIntervalSince(last) < 60 { counters.heartbeatsTooFrequent += 1 }
        authorizations[auth.id]?.lastHeartbeatAt = now
        counters.heartbeats += 1
        return true
    }
}

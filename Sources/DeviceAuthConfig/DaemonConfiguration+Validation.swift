// SPDX-License-Identifier: Apache-2.0
import DeviceAuth
/// The rules that span several keys: each provider type needs its own endpoints,
/// and keys of another type are mistakes, not silently ignored.
extension DaemonConfiguration {
    /// An error about the key `Section.Key`, at the line that set it (else at Type='s line,
    /// which decided that the key matters; else without a line).
    public func error(at key: String, _ message: String) -> ConfigError {
        guard let location = locations[key] ?? locations["Provider.Type"] else { return .missing(message) }
        return .invalid(file: location.file, line: location.line, message: message)
    }

    func validate() throws(ConfigError) {
        let typeKey = "Provider.Type"
        func fail(at key: String, _ message: String) -> ConfigError { error(at: key, message) }
        let standardKeys = ["Issuer", "DeviceAuthorizationEndpoint", "TokenEndpoint", "RevocationEndpoint", "AuthorizationEndpoint"]
        switch providerType {
        case .frameioC2C, .cameraManager:
            for key in standardKeys + ["RedirectURI"] where locations["Provider." + key] != nil {
                throw fail(at: "Provider." + key, "\(key)= is for Type=oauth2-device and Type=oauth2; \(providerType == .frameioC2C ? "Frame.io's" : "CameraManager's") endpoints follow from BaseURL=")
            }
            if providerType == .cameraManager, clientID == nil {
                throw fail(at: typeKey, "Type=cameramanager needs ClientID=: the id of the camera model's API key (its secret goes in the client secret file)")
            }
        case .oauth2Device, .oauth2:
            if locations["Provider.BaseURL"] != nil {
                throw fail(at: "Provider.BaseURL", "BaseURL= is for Type=frameio-c2c; give Issuer= (discovery) or the endpoints themselves")
            }
            if providerType == .oauth2Device, locations["Provider.RedirectURI"] != nil {
                throw fail(at: "Provider.RedirectURI", "RedirectURI= is for Type=oauth2 (deviceauthctl login)")
            }
            if issuer != nil {
                for key in standardKeys.dropFirst() where locations["Provider." + key] != nil {
                    throw fail(at: "Provider." + key, "\(key)= and Issuer= exclude each other: the issuer's metadata names the endpoints")
                }
            } else if providerType == .oauth2Device, deviceAuthorizationEndpoint == nil || tokenEndpoint == nil {
                throw fail(at: typeKey, "Type=oauth2-device needs Issuer= (RFC 8414 discovery), or DeviceAuthorizationEndpoint= and TokenEndpoint=")
            } else if providerType == .oauth2, tokenEndpoint == nil {
                throw fail(at: typeKey, "Type=oauth2 needs Issuer= (RFC 8414 discovery), or TokenEndpoint= (and AuthorizationEndpoint= for deviceauthctl login)")
            }
            if providerType == .oauth2Device, locations["Provider.AuthorizationEndpoint"] != nil {
                throw fail(at: "Provider.AuthorizationEndpoint", "AuthorizationEndpoint= is for Type=oauth2 (deviceauthctl login)")
            }
            // A standard server registered the client: its id cannot be made up here.
            if clientID == nil {
                throw fail(at: typeKey, "Type=\(providerType.rawValue) needs ClientID=: the client id registered at the authorization server")
            }
        }
    }

    /// Settings that are valid but mean nothing for this type: warned of at start.
    public var ignoredSettings: [String] {
        var ignored: [String] = []
        if loginMethod != .deviceCode, let at = locations["Pairing.AutoPair"] {
            ignored.append("\(at.file):\(at.line): AutoPair= has no meaning for Type=\(providerType.rawValue): there is no pairing code; the device waits for \(loginCommand ?? "a login")")
        }
        return ignored
    }

    /// The secret is needed unless the client is public (`ClientAuthentication=none`).
    public var needsClientSecret: Bool { effectiveClientAuthentication != .none }
}

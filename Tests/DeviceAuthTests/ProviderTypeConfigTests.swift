// SPDX-License-Identifier: Apache-2.0
@testable import DeviceAuthConfig
@testable import OAuthProvider
import Foundation
import Testing

/// The provider types' own keys: what each needs, what it refuses, with file and line.
@Suite("Configuration: provider types")
struct ProviderTypeConfigTests {
    func parse(_ text: String) throws(ConfigError) -> DaemonConfiguration { try DaemonConfiguration.parse(text, file: "t.conf") }

    @Test("oauth2-device by discovery: Issuer= kept exactly, client_secret_basic by default, no scope sent")
    func discovery() throws {
        let config = try parse("[Provider]\nType=oauth2-device\nIssuer=https://id.example.test/realms/cams/\nClientID=cam-fleet\n")
        #expect(config.issuer == "https://id.example.test/realms/cams/")
        #expect(config.effectiveClientAuthentication == .clientSecretBasic)
        #expect(config.effectiveScope == nil)
        #expect(config.needsClientSecret)
    }

    @Test("A public client needs no secret; Frame.io keeps client_secret_post and its scope")
    func publicClient() throws {
        let config = try parse("[Provider]\nType=oauth2\nTokenEndpoint=https://id.example.test/token\nClientID=cam\nClientAuthentication=none\n")
        #expect(!config.needsClientSecret)
        let frameio = try parse("")
        #expect(frameio.effectiveClientAuthentication == .clientSecretPost)
        #expect(frameio.effectiveScope == "asset_create offline")
    }

    @Test("Every mistake names the file and line", arguments: [
        ("[Provider]\nType=oauth2-device\nClientID=c\n", 2, "Type=oauth2-device needs Issuer= (RFC 8414 discovery), or DeviceAuthorizationEndpoint= and TokenEndpoint="),
        ("[Provider]\nType=oauth2-device\nTokenEndpoint=https://a.test/t\nClientID=c\n", 2, "Type=oauth2-device needs Issuer= (RFC 8414 discovery), or DeviceAuthorizationEndpoint= and TokenEndpoint="),
        ("[Provider]\nType=oauth2\nClientID=c\n", 2, "Type=oauth2 needs Issuer= (RFC 8414 discovery), or TokenEndpoint="),
        ("[Provider]\nType=oauth2-device\nIssuer=https://a.test\n", 2, "Type=oauth2-device needs ClientID=: the client id registered at the authorization server"),
        ("[Provider]\nType=oauth2-device\nIssuer=https://a.test\nTokenEndpoint=https://a.test/t\nClientID=c\n", 4, "TokenEndpoint= and Issuer= exclude each other: the issuer's metadata names the endpoints"),
        ("[Provider]\nIssuer=https://a.test\n", 2, "Issuer= is for Type=oauth2-device and Type=oauth2; Type=frameio-c2c takes BaseURL="),
        ("[Provider]\nType=oauth2\nBaseURL=https://a.test\nTokenEndpoint=https://a.test/t\nClientID=c\n", 3, "BaseURL= is for Type=frameio-c2c and Type=cameramanager; Type=oauth2 takes Issuer=, TokenEndpoint=, RevocationEndpoint=, AuthorizationEndpoint=, RedirectURI="),
        ("[Provider]\nType=oauth2-device\nIssuer=http://id.example.test\n", 3, "Issuer= must use https:// (plain http:// is allowed only to 127.0.0.1, ::1 or localhost), not \"http://id.example.test\""),
        ("[Provider]\nType=oauth2\nTokenEndpoint=https://u:p@a.test/t\n", 3, "TokenEndpoint= must not carry a user name or password, not \"https://u:p@a.test/t\""),
        ("[Provider]\nClientAuthentication=private_key_jwt\n", 2, "ClientAuthentication= must be one of client_secret_post, client_secret_basic, none, not \"private_key_jwt\""),
        ("[Provider]\nType=oauth2-device\nIssuer=https://a.test\nRedirectURI=http://127.0.0.1:8/cb\nClientID=c\n", 4, "RedirectURI= is for Type=oauth2; Type=oauth2-device takes Issuer=, DeviceAuthorizationEndpoint=, TokenEndpoint=, RevocationEndpoint="),
        ("[Provider]\nType=cameramanager\n", 2, "Type=cameramanager needs ClientID=: the id of the camera model's API key (its secret goes in the client secret file)"),
        ("[Provider]\nType=cameramanager\nClientID=k\nIssuer=https://a.test\n", 4, "Issuer= is for Type=oauth2-device and Type=oauth2; Type=cameramanager takes BaseURL="),
    ] as [(String, Int, String)])
    func mistakes(_ text: String, line: Int, message: String) {
        #expect(throws: ConfigError.invalid(file: "t.conf", line: line, message: message)) { try parse(text) }
    }
}

@Suite("Shipped provider examples")
struct ShippedProviderExamplesTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Each dialect but the default has its example config, `config/NAME.conf`; the
    /// default's is `config/deviceauthd.conf` (docs/architecture.md, "Adding a provider dialect").
    @Test("Each dialect's example config is valid as shipped and speaks that dialect", arguments: ProviderDialect.all.map(\.name))
    func parses(_ name: String) throws {
        let file = name == ProviderDialect.all[0].name ? "deviceauthd" : name
        let path = Self.repository.appendingPathComponent("config/\(file).conf").path
        let config = try DaemonConfiguration.parse(String(contentsOfFile: path, encoding: .utf8), file: path)
        #expect(config.dialect.name == name)
        if config.dialect.clientIDNeeded != nil { #expect(config.clientID != nil) }
    }
}

@Suite("Type=cameramanager settings")
struct CameraManagerConfigTests {
    @Test("AutoPair= means nothing for a login type: a warning naming file and line, not an error")
    func autoPairIgnored() throws {
        let config = try DaemonConfiguration.parse("[Provider]\nType=cameramanager\nClientID=k\n[Pairing]\nAutoPair=no\n", file: "c.conf")
        #expect(config.ignoredSettings == ["c.conf:5: AutoPair= has no meaning for Type=cameramanager: there is no pairing code; the device waits for deviceauthctl login --username EMAIL"])
        let frameio = try DaemonConfiguration.parse("[Pairing]\nAutoPair=no\n", file: "f.conf")
        #expect(frameio.ignoredSettings.isEmpty)
    }
}

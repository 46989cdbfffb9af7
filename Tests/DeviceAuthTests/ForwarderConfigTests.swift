// SPDX-License-Identifier: Apache-2.0
@testable import DeviceAuthConfig
import Testing

/// `[Forwarder]`: off unless Socket= is set; its upstream is the API's origin, from the
/// dialect where the API is at BaseURL=, else from Upstream=, which must say only an origin.
@Suite("Configuration: the API forwarder")
struct ForwarderConfigTests {
    func parse(_ text: String) throws(ConfigError) -> DaemonConfiguration { try DaemonConfiguration.parse(text, file: "f.conf") }

    @Test("Frame.io and CameraManager: the upstream is BaseURL='s origin; Upstream= overrides it")
    func fromBaseURL() throws {
        #expect(try parse("").forwarderSocket == nil)
        #expect(try parse("[Forwarder]\nSocket=/run/deviceauth/api.sock\n").effectiveForwarderUpstream == "https://api.frame.io")
        let local = try parse("[Provider]\nBaseURL=http://127.0.0.1:8080/base/\n[Forwarder]\nSocket=/tmp/api.sock\n")
        #expect(local.effectiveForwarderUpstream == "http://127.0.0.1:8080")
        let cameraManager = try parse("[Provider]\nType=cameramanager\nClientID=k\n[Forwarder]\nSocket=/tmp/api.sock\n")
        #expect(cameraManager.effectiveForwarderUpstream == "https://rest.cameramanager.com")
        #expect(try parse("[Forwarder]\nSocket=/tmp/a.sock\nUpstream=https://API.example.com:8443/\n").effectiveForwarderUpstream == "https://api.example.com:8443")
    }

    @Test("Mistakes name the file and line", arguments: [
        ("[Provider]\nType=oauth2\nIssuer=https://id.example\nClientID=c\n[Forwarder]\nSocket=/tmp/api.sock\n", 6,
         "the forwarder needs Upstream= in [Forwarder] for Type=oauth2: the origin of the API (its authorization server is not it)"),
        ("[Forwarder]\nUpstream=https://api.example.com/v2\n", 2, "Upstream= must be an origin, https://HOST[:PORT] without a path, not \"https://api.example.com/v2\""),
        ("[Forwarder]\nUpstream=http://api.example.com\n", 2,
         "Upstream= must use https:// (plain http:// is allowed only to 127.0.0.1, ::1 or localhost), not \"http://api.example.com\""),
        ("[Forwarder]\nSocket=api.sock\n", 2, "Socket= must be an absolute path"),
    ] as [(String, Int, String)])
    func mistakes(_ text: String, line: Int, message: String) {
        #expect(throws: ConfigError.invalid(file: "f.conf", line: line, message: message)) { try parse(text) }
    }

    @Test("Type=oauth2 with Upstream=: the forwarder goes there")
    func standardWithUpstream() throws {
        let config = try parse("[Provider]\nType=oauth2\nIssuer=https://id.example\nClientID=c\n[Forwarder]\nSocket=/tmp/api.sock\nUpstream=https://api.example\n")
        #expect(config.effectiveForwarderUpstream == "https://api.example")
    }
}

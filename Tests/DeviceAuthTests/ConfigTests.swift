// SPDX-License-Identifier: Apache-2.0
@testable import DeviceAuthConfig
@testable import OAuthProvider
import Foundation
import Testing

@Suite("Configuration")
struct ConfigTests {
    @Test("A full config is read with its values")
    func fullConfig() throws {
        let config = try DaemonConfiguration.parse("""
            # a comment
            [Provider]
            Type=frameio-c2c
            BaseURL=https://api.frame.io/
            ClientID=cam-0001
            ClientSecretFile=/etc/deviceauth/client_secret
            Scope=asset_create  offline
            QRPairing=no

            ; another comment
            [Pairing]
            AutoPair=false
            [Refresh]
            Fraction=0.5
            Jitter=0
            HeartbeatSec=90
            MaxRetrySec=600
            [Storage]
            StateDirectory=/data/deviceauth
            [Control]
            Socket=/run/deviceauth/control.sock
            TokenReaders=uploader @video
            """, file: "test.conf")
        #expect(config.effectiveBaseURL == "https://api.frame.io")
        #expect(config.clientID == "cam-0001")
        #expect(config.scope == "asset_create offline")
        #expect(config.qrPairing == false)
        #expect(config.autoPair == false)
        #expect(config.refreshFraction == 0.5)
        #expect(config.heartbeatSeconds == 90)
        #expect(config.stateDirectory == "/data/deviceauth")
        #expect(config.tokenReaders == ["uploader", "@video"])
    }

    @Test("An empty file gives the defaults")
    func defaults() throws {
        #expect(try DaemonConfiguration.parse("", file: "empty.conf") == DaemonConfiguration())
    }

    @Test("Every mistake names the file and the line", arguments: [
        ("[Provider]\nBaseURL=https://x\nColour=blue", 3, "unknown key Colour="),
        ("[Provider]\n\n[Weather]\nSun=yes", 4, "unknown section [Weather]"),
        ("Type=frameio-c2c", 1, "comes before any [Section]"),
        ("[Provider]\nType=dropbox", 2, "must be one of frameio-c2c"),
        ("[Provider]\nBaseURL=http://api.frame.io", 2, "must use https://"),
        ("[Provider]\nBaseURL=ftp://x", 2, "must be an https:// URL"),
        ("[Provider]\nQRPairing=maybe", 2, "must be yes or no"),
        ("[Refresh]\nFraction=1.5", 2, "from 0.1 to 0.95"),
        ("[Refresh]\nHeartbeatSec=abc", 2, "must be a number"),
        ("[Storage]\nStateDirectory=relative/path", 2, "absolute path"),
        ("[Provider\nType=x", 1, "section header"),
        ("[Provider]\njust words", 2, "expected Key=Value"),
        ("[Provider]\nClientID=has space", 2, "ClientID="),
    ])
    func mistakes(_ text: String, _ line: Int, _ message: String) {
        #expect {
            try DaemonConfiguration.parse(text, file: "/etc/deviceauth/deviceauthd.conf")
        } throws: { error in
            let description = "\(error)"
            return description.hasPrefix("/etc/deviceauth/deviceauthd.conf:\(line): ") && description.contains(message)
        }
    }

    @Test("http:// is allowed to loopback only", arguments: ["http://127.0.0.1:8080", "http://localhost", "http://[::1]:99"])
    func loopbackHTTP(_ url: String) throws {
        #expect(try DaemonConfiguration.parse("[Provider]\nBaseURL=\(url)", file: "x").baseURL == url)
    }

    @Test("Drop-ins in NAME.d/*.conf override the main file in name order; other files are ignored")
    func dropIns() throws {
        let directory = try TempDirectory()
        let main = try directory.write("deviceauthd.conf", "[Provider]\nScope=a\n[Pairing]\nAutoPair=yes\n")
        try directory.write("deviceauthd.conf.d/20-late.conf", "[Provider]\nScope=c\n")
        try directory.write("deviceauthd.conf.d/10-early.conf", "[Provider]\nScope=b\n[Pairing]\nAutoPair=no\n")
        try directory.write("deviceauthd.conf.d/README", "not a config")
        let config = try DaemonConfiguration.load(path: main)
        #expect(config.scope == "c")
        #expect(config.autoPair == false)
    }

    @Test("A mistake in a drop-in names the drop-in")
    func dropInError() throws {
        let directory = try TempDirectory()
        let main = try directory.write("d.conf", "[Provider]\n")
        let dropIn = try directory.write("d.conf.d/50-bad.conf", "[Provider]\n\nNope=1\n")
        #expect(throws: ConfigError.invalid(file: dropIn, line: 3, message: "unknown key Nope= in [Provider]; known: Type=, BaseURL=, Issuer=, DeviceAuthorizationEndpoint=, TokenEndpoint=, RevocationEndpoint=, AuthorizationEndpoint=, ClientAuthentication=, RedirectURI=, ClientID=, ClientSecretFile=, CAFile=, Scope=, QRPairing=")) {
            try DaemonConfiguration.load(path: main)
        }
    }

    @Test("A missing config file is an error naming it")
    func missingFile() {
        #expect(throws: ConfigError.unreadable(path: "/nonexistent/deviceauthd.conf", reason: "No such file or directory")) {
            try DaemonConfiguration.load(path: "/nonexistent/deviceauthd.conf")
        }
    }

    @Test("The client secret is read and trimmed; a file others can read is refused, as ssh does")
    func clientSecretFile() throws {
        let directory = try TempDirectory()
        let good = try directory.write("secret", "  s3cret-value \n", mode: 0o600)
        #expect(try ClientSecret.load(configuredFile: good, credentialsDirectory: nil).secret == "s3cret-value")
        let open = try directory.write("open-secret", "s3cret-value", mode: 0o644)
        #expect { try ClientSecret.load(configuredFile: open, credentialsDirectory: nil) } throws: { error in
            "\(error)".contains("readable by group or others") && "\(error)".contains("chmod 600") && !"\(error)".contains("s3cret")
        }
        let empty = try directory.write("empty", "\n", mode: 0o600)
        #expect { try ClientSecret.load(configuredFile: empty, credentialsDirectory: nil) } throws: { "\($0)".contains("is empty") }
        #expect { try ClientSecret.load(configuredFile: directory.file("none"), credentialsDirectory: nil) } throws: {
            "\($0)".contains("No such file")
        }
        #expect { try ClientSecret.load(configuredFile: nil, credentialsDirectory: nil) } throws: { "\($0)".contains("ClientSecretFile=") }
    }

    @Test("The systemd credential wins over ClientSecretFile=")
    func credential() throws {
        let directory = try TempDirectory()
        try directory.write("creds/client_secret", "from-credential", mode: 0o400)
        let file = try directory.write("secret", "from-file")
        let loaded = try ClientSecret.load(configuredFile: file, credentialsDirectory: directory.file("creds"))
        #expect(loaded.secret == "from-credential")
    }
}

// SPDX-License-Identifier: Apache-2.0
@testable import DeviceAuthConfig
@testable import OAuthProvider
import Testing

/// `ConfigKey.all` is the one list of keys: every key in it parses, and a reload
/// either applies it or names it.
@Suite("Configuration keys table")
struct ConfigKeyTableTests {
    /// The running configuration with `key` set to its example, as a drop-in would.
    static func changed(_ key: ConfigKey, from running: DaemonConfiguration = DaemonConfiguration()) throws -> DaemonConfiguration {
        var next = running
        try next.apply(IniEntry(section: key.section, key: key.key, value: key.example, file: "drop-in.conf", line: 1))
        return next
    }

    @Test("Each key is declared once, and its example parses to something other than the default")
    func examples() throws {
        let names = ConfigKey.all.map(\.qualifiedName)
        #expect(Set(names).count == names.count)
        for key in ConfigKey.all {
            let next = try Self.changed(key)
            #expect(key.differs(DaemonConfiguration(), next), "\(key.qualifiedName)'s example is the default")
            #expect(next.locations[key.qualifiedName] == ConfigLocation(file: "drop-in.conf", line: 1))
        }
    }

    @Test("A reload that changes a restart-only key names it, alone, and keeps its running value", arguments: ConfigKey.all.filter { $0.reload == .restart }.map(\.qualifiedName))
    func restartOnly(qualifiedName: String) throws {
        let key = try #require(ConfigKey.all.first { $0.qualifiedName == qualifiedName })
        let running = DaemonConfiguration()
        let (inForce, needRestart) = ConfigKey.reload(running: running, next: try Self.changed(key))
        #expect(needRestart.map(\.qualifiedName) == [qualifiedName])
        #expect(!key.differs(inForce, running))
    }

    @Test("A reload that changes an applied key puts it in force: the engine's policy or the socket's roles change, and nothing is named", arguments: ConfigKey.all.filter { $0.reload == .applied }.map(\.qualifiedName))
    func applied(qualifiedName: String) throws {
        let key = try #require(ConfigKey.all.first { $0.qualifiedName == qualifiedName })
        let running = DaemonConfiguration()
        let (inForce, needRestart) = ConfigKey.reload(running: running, next: try Self.changed(key))
        #expect(needRestart.isEmpty)
        #expect(key.differs(inForce, running))
        // What the reloader hands on: the policy to the engine, the role lists to the authorizer.
        let roles = inForce.tokenReaders != running.tokenReaders || inForce.pairingViewers != running.pairingViewers
        #expect(inForce.pairingPolicy != running.pairingPolicy || roles)
    }

    @Test("A key whose change reaches neither the policy nor the roles is restart-only")
    func restartKeysReachNeither() throws {
        for key in ConfigKey.all where key.reload == .restart {
            let next = try Self.changed(key)
            #expect(next.pairingPolicy == DaemonConfiguration().pairingPolicy, "\(key.qualifiedName) changes the policy but is restart-only")
            #expect(next.tokenReaders.isEmpty && next.pairingViewers.isEmpty)
        }
    }

    @Test("Several restart-only keys changed at once are all named, in the table's order; a reload with no change names none")
    func several() throws {
        let keys = ConfigKey.all.filter { ["Provider.Issuer", "Provider.TokenEndpoint", "Provider.ClientAuthentication", "Provider.RedirectURI"].contains($0.qualifiedName) }
        var next = DaemonConfiguration()
        for key in keys { next = try Self.changed(key, from: next) }
        #expect(ConfigKey.reload(running: DaemonConfiguration(), next: next).needRestart.map(\.name)
                == ["Issuer=", "TokenEndpoint=", "ClientAuthentication=", "RedirectURI="])
        #expect(ConfigKey.reload(running: next, next: next).needRestart.isEmpty)
    }
}

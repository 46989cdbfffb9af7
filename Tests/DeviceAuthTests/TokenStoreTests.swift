// SPDX-License-Identifier: Apache-2.0
@testable import TokenStorage
@testable import DeviceAuth
import Foundation
import Testing

@Suite("Token store on a real SQLite file")
struct TokenStoreTests {
    let key = [UInt8](repeating: 7, count: 32)

    func store(_ directory: TempDirectory, key: [UInt8]? = nil, clientID: String = "cam-1") throws -> TokenStore {
        try TokenStore(directory: directory.file("state"), sealer: TokenSealer(keyMaterial: key ?? self.key), clientID: clientID)
    }

    @Test("Save, then load in a new process's store: the same grant")
    func roundTrip() throws {
        let directory = try TempDirectory()
        let grant = Fixtures.grant(access: "FAKEAT_roundtrip").with(refresh: "FAKERT_roundtrip")
        try store(directory).save(grant)
        let loaded = try store(directory).load()
        #expect(loaded?.accessToken == grant.accessToken)
        #expect(loaded?.refreshToken == grant.refreshToken)
        #expect(loaded?.accessExpiresAt.timeIntervalSince1970 == grant.accessExpiresAt.timeIntervalSince1970)
        #expect(loaded?.scope == grant.scope)
    }

    @Test("An empty store loads nil; wipe empties it")
    func emptyAndWipe() throws {
        let directory = try TempDirectory()
        let tokens = try store(directory)
        #expect(try tokens.load() == nil)
        try tokens.save(Fixtures.grant())
        try tokens.wipe()
        #expect(try tokens.load() == nil)
    }

    @Test("The file holds no token in clear, is private, WAL, synchronous=FULL, schema version 1")
    func onDisk() throws {
        let directory = try TempDirectory()
        let tokens = try store(directory)
        try tokens.save(Fixtures.grant(access: "FAKEAT_cleartext").with(refresh: "FAKERT_cleartext"))
        var bytes = Data()
        for suffix in ["", "-wal"] {
            bytes.append((try? Data(contentsOf: URL(fileURLWithPath: tokens.path + suffix))) ?? Data())
        }
        #expect(bytes.range(of: Data("FAKEAT_cleartext".utf8)) == nil)
        #expect(bytes.range(of: Data("FAKERT_cleartext".utf8)) == nil)
        let attributes = try FileManager.default.attributesOfItem(atPath: tokens.path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let database = try SQLiteDatabase(path: tokens.path)
        #expect(try database.query("PRAGMA journal_mode").first?.first == .text("wal"))
        #expect(try database.query("PRAGMA user_version").first?.first == .integer(1))
    }

    @Test("Each save replaces the one grant and counts the generation")
    func rotation() throws {
        let directory = try TempDirectory()
        let tokens = try store(directory)
        for index in 1...3 { try tokens.save(Fixtures.grant(access: "AT-\(index)")) }
        #expect(try tokens.load()?.accessToken == "AT-3")
        let database = try SQLiteDatabase(path: tokens.path)
        #expect(try database.query("SELECT count(*), max(generation) FROM grants").first == [.integer(1), .integer(2)])
    }

    @Test("Another key cannot open the tokens: an error that says so, not a crash")
    func wrongKey() throws {
        let directory = try TempDirectory()
        try store(directory).save(Fixtures.grant())
        #expect { try store(directory, key: [UInt8](repeating: 8, count: 32)).load() } throws: { "\($0)".contains("token key") }
    }

    @Test("Tokens saved for another client id are not handed out")
    func otherClient() throws {
        let directory = try TempDirectory()
        try store(directory, clientID: "cam-1").save(Fixtures.grant())
        #expect { try store(directory, clientID: "cam-2").load() } throws: { "\($0)".contains("cam-1") }
    }

    @Test("A corrupt database is set aside and a clean one started", arguments: ["garbage", "truncated"])
    func corruption(_ kind: String) throws {
        let directory = try TempDirectory()
        let path: String
        do {
            let tokens = try store(directory)
            try tokens.save(Fixtures.grant())
            path = tokens.path
        }
        if kind == "garbage" {
            try Data(repeating: 0x5A, count: 8192).write(to: URL(fileURLWithPath: path))
        } else {
            var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            bytes.replaceSubrange(100..<4096, with: Data(repeating: 0xFF, count: 3996))
            try bytes.write(to: URL(fileURLWithPath: path))
        }
        try? FileManager.default.removeItem(atPath: path + "-wal")
        try? FileManager.default.removeItem(atPath: path + "-shm")
        let reopened = try store(directory)
        #expect(reopened.setAsideAtOpen?.contains("moved it with its -wal and -shm files to") == true)
        #expect(try reopened.load() == nil)
        try reopened.save(Fixtures.grant())
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.file("state"))
        #expect(leftovers.contains { $0.hasPrefix("tokens.sqlite3.unreadable-") })
    }

    @Test("Another key: load says the tokens are unreadable; set aside with -wal and -shm, they are kept whole and a clean store follows")
    func setAsideKeepsTheRow() throws {
        let directory = try TempDirectory()
        try store(directory).save(Fixtures.grant(access: "AT-kept"))
        let other = try store(directory, key: [UInt8](repeating: 8, count: 32))
        #expect { try other.load() } throws: { ($0 as? StoreError)?.unreadable == true }
        let aside = try other.setAside()
        #expect(aside.hasPrefix(other.path + ".unreadable-"))
        #expect(try other.load() == nil, "a clean store")
        try other.save(Fixtures.grant(access: "AT-new"))
        // Nothing was deleted: the right key opens what was set aside.
        for suffix in ["", "-wal"] { try? FileManager.default.moveItem(atPath: aside + suffix, toPath: directory.file("state/back") + suffix) }
        let kept = try SQLiteDatabase(path: directory.file("state/back"))
        #expect(try kept.query("SELECT count(*) FROM grants").first == [.integer(1)])
    }

    @Test("A missing key made new beside sealed rows: the error names it")
    func keyMadeNew() throws {
        let directory = try TempDirectory()
        try store(directory).save(Fixtures.grant())
        let fresh = try TokenStore(directory: directory.file("state"), sealer: TokenSealer(keyMaterial: [UInt8](repeating: 8, count: 32)),
                                   clientID: "cam-1", keyIsNew: true)
        #expect { try fresh.load() } throws: { "\($0)".contains("the token key was missing and a new one was made") }
    }

    @Test("A token key file is created once, 0600, and reused")
    func keyFile() throws {
        let directory = try TempDirectory()
        let first = try TokenKey.load(stateDirectory: directory.file("state"), credentialsDirectory: nil)
        let second = try TokenKey.load(stateDirectory: directory.file("state"), credentialsDirectory: nil)
        #expect(first.material == second.material)
        #expect(first.material.count == 32)
        let attributes = try FileManager.default.attributesOfItem(atPath: directory.file("state/token.key"))
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        chmod(directory.file("state/token.key"), 0o644)
        #expect { try TokenKey.load(stateDirectory: directory.file("state"), credentialsDirectory: nil) } throws: {
            "\($0)".contains("chmod 600")
        }
    }
}

// SPDX-License-Identifier: Apache-2.0
@testable import DeviceAuth
import Foundation
import Testing

@Suite("Client identity: decided once, kept in the state directory")
struct ClientIdentityTests {
    struct NoMachineID: Error, CustomStringConvertible { var description: String { "cannot derive a client id from /etc/machine-id: it is empty or uninitialized" } }

    func resolve(_ directory: TempDirectory, configured: String? = nil, machineID: String? = "a1b2", stored: String? = nil,
                 save: Bool = true) throws -> (identity: ClientIdentity, notice: String?) {
        try ClientIdentity.resolve(
            configured: configured, stateDirectory: directory.path, save: save,
            machineID: { machineID.map { .success($0) } ?? .failure(NoMachineID()) },
            tokenStoreClientID: { stored }, random: { "random-id" })
    }

    @Test("Derived from the machine id at the first start, then the stored one, whatever the machine id becomes")
    func survivesNewMachineID() throws {
        let directory = try TempDirectory()
        let first = try resolve(directory, machineID: "first-machine")
        #expect(first.identity == ClientIdentity(clientID: "first-machine", source: .machineID))
        #expect(try String(contentsOfFile: directory.file("client_id"), encoding: .utf8) == "first-machine\n")
        let later = try resolve(directory, machineID: "regenerated-at-boot")
        #expect(later.identity == ClientIdentity(clientID: "first-machine", source: .stored))
        #expect(try resolve(directory, machineID: nil).identity.clientID == "first-machine")
    }

    @Test("ClientID= wins and writes nothing")
    func configured() throws {
        let directory = try TempDirectory()
        #expect(try resolve(directory, configured: "set-by-hand").identity == ClientIdentity(clientID: "set-by-hand", source: .configured))
        #expect(!FileManager.default.fileExists(atPath: directory.file("client_id")))
    }

    @Test("No usable machine id: a random id, kept, with a notice that says why")
    func random() throws {
        let directory = try TempDirectory()
        let first = try resolve(directory, machineID: nil)
        #expect(first.identity == ClientIdentity(clientID: "random-id", source: .random))
        #expect(first.notice?.contains("it is empty or uninitialized; using a random client id instead, kept in \(directory.path)/client_id") == true)
        #expect(try resolve(directory, machineID: "appeared-later").identity == ClientIdentity(clientID: "random-id", source: .stored))
    }

    @Test("Tokens stored before client_id existed keep their id")
    func tokenStore() throws {
        let directory = try TempDirectory()
        #expect(try resolve(directory, machineID: "new-machine", stored: "old-derived").identity == ClientIdentity(clientID: "old-derived", source: .tokenStore))
        #expect(try resolve(directory, machineID: "new-machine").identity.source == .stored)
    }

    @Test("A damaged client_id is replaced; a check (save: false) writes nothing", arguments: ["", "two words\n", "\u{1}ctrl", String(repeating: "x", count: 300)])
    func damaged(_ content: String) throws {
        let directory = try TempDirectory()
        try directory.write("client_id", content)
        #expect(try resolve(directory, machineID: "m", save: false).identity == ClientIdentity(clientID: "m", source: .machineID))
        #expect(try String(contentsOfFile: directory.file("client_id"), encoding: .utf8) == content)
        _ = try resolve(directory, machineID: "m")
        #expect(try String(contentsOfFile: directory.file("client_id"), encoding: .utf8) == "m\n")
    }

    @Test("Random ids are 32 hex digits and differ")
    func randomIDs() {
        let a = ClientIdentity.randomID(), b = ClientIdentity.randomID()
        #expect(a.count == 32 && a.allSatisfy(\.isHexDigit) && a != b)
    }
}

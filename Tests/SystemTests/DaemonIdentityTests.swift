// SPDX-License-Identifier: Apache-2.0
import ControlProtocol
import FakeProvider
import Foundation
import TestSupport
import Testing

/// The client id of a camera whose /etc/machine-id changes on every boot (a
/// read-only root), or is missing: a private mount namespace puts another
/// file over /etc/machine-id for the real daemon.
@Suite("deviceauthd keeps its client id", .serialized)
struct DaemonIdentityTests {
    static let firstMachine = "0123456789abcdef0123456789abcdef\n"
    static let nextBoot = "fedcba9876543210fedcba9876543210\n"

    @Test("Derived once and stored: a regenerated machine id keeps the pairing and the id", .timeLimit(.minutes(1)),
          .needsRoot("a bind mount in a private mount namespace"))
    func regeneratedMachineID() async throws {
        try await withFakeProvider(realTime: true, { $0.pollingInterval = 1 }) { fake in
            let daemon = try DaemonFixture(fake: fake, clientID: nil)
            try daemon.start(machineID: Self.firstMachine)
            #expect(try await daemon.approvePairing() != nil)
            let first = try #require(try await daemon.call(ControlRequest(StatusMethod.self)).result?.status)
            #expect(first.clientIDSource == "machine-id")
            let id = try #require(first.clientID)
            #expect(id.count == 32 && id != Self.firstMachine.prefix(32), "app-specific, not the machine id itself")
            #expect(await daemon.stop().status == 0)

            let before = daemon.notify.assignments.count
            try daemon.start(machineID: Self.nextBoot)
            #expect(await daemon.notify.waitStatus("authorized: ", seconds: 20, after: before) != nil)
            let second = try #require(try await daemon.call(ControlRequest(StatusMethod.self)).result?.status)
            #expect(second.clientID == id)
            #expect(second.clientIDSource == "stored")
            let shown = try await daemon.ctl(["status"])
            #expect(shown.output.contains("Client:  \(id) (stored in the state directory)"))
            let stats = try await fake.stats()
            #expect(stats.deviceCodes == 1, "paired again")
            #expect(stats.revocations == 0)
            #expect(await daemon.stop().status == 0)
        }
    }

    @Test("An uninitialized machine id gives a random id, kept, with a notice", .timeLimit(.minutes(1)),
          .needsRoot("a bind mount in a private mount namespace"), arguments: ["", "uninitialized\n"])
    func noMachineID(_ content: String) async throws {
        try await withFakeProvider(realTime: true, { $0.pollingInterval = 1 }) { fake in
            let daemon = try DaemonFixture(fake: fake, clientID: nil)
            try daemon.start(machineID: content)
            _ = try #require(await daemon.waitForUserCode())
            let status = try #require(try await daemon.call(ControlRequest(StatusMethod.self)).result?.status)
            #expect(status.clientIDSource == "random")
            #expect(daemon.output.contains("using a random client id instead, kept in \(daemon.stateDirectory)/client_id"))
            #expect(await daemon.stop().status == 0)
            let stored = try String(contentsOfFile: daemon.stateDirectory + "/client_id", encoding: .utf8)
            #expect(stored == (status.clientID ?? "") + "\n")
        }
    }
}

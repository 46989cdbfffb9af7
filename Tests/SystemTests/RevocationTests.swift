// SPDX-License-Identifier: Apache-2.0
import ControlProtocol
import FakeProvider
import Foundation
import Testing
import TestSupport

/// RFC 7009's answers through the real daemon at the fake's standard server, strict
/// as oauthlib (client_id in every form, a 200 revocation with an empty text/html body).
@Suite("deviceauthd: revocation answers (RFC 7009)", .serialized)
struct RevocationTests {
    static let strict = #"{"require_client_id_in_form": true, "revocation_reply": "empty_html"}"#

    /// A daemon paired as basic-client (client_secret_basic) at the strict fake.
    static func paired(_ fake: FakeHarness) async throws -> DaemonFixture {
        try await fake.control("settings", strict)
        let daemon = try DaemonFixture(fake: fake, provider: StandardDeviceFlowTests.provider(fake, client: "basic-client", method: "client_secret_basic"))
        try daemon.start()
        let code = try #require(await daemon.waitForUserCode())
        try await fake.control("approve", #"{"user_code": "\#(code)"}"#)
        #expect(await daemon.notify.waitStatus("authorized: token valid until", seconds: 20) != nil)
        return daemon
    }

    @Test("503 with Retry-After: 2: asked again 2 s later, and the unpair reply, STATUS and the journal say revoked")
    func unavailableThenRevoked() async throws {
        try await withFakeProvider(realTime: true, StandardDeviceFlowTests.fast) { fake in
            let daemon = try await Self.paired(fake)
            try await fake.control("faults", #"{"endpoint": "revoke", "mode": "status", "status": 503, "retry_after": 2}"#)
            let started = ContinuousClock.now
            let reply = try await daemon.call(ControlRequest(UnpairMethod.self))
            #expect(reply.result?.revocation == "revoked")
            #expect(ContinuousClock.now - started >= .seconds(2), "not before the provider's time")
            #expect(daemon.output.contains("could not revoke the authorization at the provider yet: HTTP 503 (the provider is unavailable for now), asked to wait 2 s; tried again in 2 s"))
            #expect(await daemon.notify.waitStatus("unpaired: unpaired on request; the authorization was revoked at the provider", seconds: 5) != nil)
            let stats = try await fake.stats()
            #expect(stats.revocations == 1 && stats.liveAuthorizations == 0)
            // A deliberate unpair is no problem: status says what happened, without a Problem: line.
            let status = try await daemon.ctl(["status"])
            #expect(status.output.contains("Status:  unpaired: unpaired on request; the authorization was revoked at the provider"))
            #expect(!status.output.contains("Problem:"), "\(status.output)")
            // Nor is a cancelled pairing.
            _ = try await daemon.ctl(["pair", "--no-qr"], seconds: 3)
            #expect(try await daemon.ctl(["cancel"]).status == 0)
            let cancelled = try await daemon.ctl(["status"])
            #expect(cancelled.output.contains("Status:  unpaired: pairing cancelled") && !cancelled.output.contains("Problem:"), "\(cancelled.output)")
            #expect(await daemon.stop().status == 0)
            #expect(daemon.leakedSecrets.isEmpty)
        }
    }

    @Test("An error RFC 7009 gives no cure for is reported, not retried, with what it means", arguments: [
        (#"{"endpoint": "revoke", "mode": "status", "status": 400, "error": "unsupported_token_type"}"#,
         "the provider does not revoke this kind of token (unsupported_token_type)", "not_revoked"),
        // Some servers (Google's among them) say invalid_token where RFC 7009 says 200: nothing live is left.
        (#"{"endpoint": "revoke", "mode": "status", "status": 400, "error": "invalid_token"}"#,
         "the authorization was revoked at the provider", "revoked"),
    ])
    func errors(fault: String, said: String, revocation: String) async throws {
        try await withFakeProvider(realTime: true, StandardDeviceFlowTests.fast) { fake in
            let daemon = try await Self.paired(fake)
            try await fake.control("faults", fault)
            let unpair = try await daemon.ctl(["unpair"])
            #expect(unpair.status == 0)
            #expect(unpair.output.contains(said))
            #expect(await daemon.notify.waitStatus("unpaired: unpaired on request; " + (revocation == "revoked" ? said : "the tokens are wiped here, but the provider could not be told (\(said))"), seconds: 5) != nil)
            // Only a revocation that failed is a problem: the provider may still honour the tokens.
            let status = try await daemon.ctl(["status"])
            #expect(status.output.contains("Problem: the tokens are wiped here, but the provider could not be told") == (revocation != "revoked"), "\(status.output)")
            // One request: the fault answered it; nothing asked again.
            #expect(try await fake.stats().revocations == 0)
            #expect(await daemon.stop().status == 0)
            #expect(!daemon.output.contains("tried again"))
        }
    }
}

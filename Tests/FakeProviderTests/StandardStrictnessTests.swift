// SPDX-License-Identifier: Apache-2.0
import FakeProvider
import Foundation
import TestSupport
import Testing

/// The fake's standard endpoints as strict as widely deployed servers are, where the
/// RFCs allow it: the daemon is held to what real servers do, not to what we accept.
@Suite("Standard endpoints: as strict as oauthlib")
struct StandardStrictnessTests {
    func basic(_ fake: FakeHarness) -> (String, String) {
        ("authorization", "Basic " + Data("basic-client:\(fake.secret)".utf8).base64EncodedString())
    }

    @Test("require_client_id_in_form: a Basic client without client_id in the form is refused as oauthlib refuses it; with it, served")
    func clientIDRequired() async throws {
        try await withFakeProvider { fake in
            try await fake.control("settings", #"{"require_client_id_in_form": true}"#)
            let headers = FakeHarness.defaultHeaders + [basic(fake)]
            let without = try await fake.postForm("/oauth2/device_authorization", [("scope", "offline_access")], headers: headers)
            #expect(without.status == 400)
            #expect(without.oauthError == "invalid_request")
            #expect(without.string("error_description") == "Missing client_id parameter.")
            let token = try await fake.postForm("/oauth2/token", [("grant_type", "refresh_token"), ("refresh_token", "x")], headers: headers)
            #expect(token.status == 400 && token.string("error_description") == "Missing client_id parameter.")
            let revoke = try await fake.postForm("/oauth2/revoke", [("token", "x")], headers: headers)
            #expect(revoke.status == 400 && revoke.string("error_description") == "Missing client_id parameter.")

            let with = try await fake.postForm("/oauth2/device_authorization", [("client_id", "basic-client"), ("scope", "offline_access")], headers: headers)
            #expect(with.status == 200)
            #expect(with.string("device_code") != nil)

            try await fake.control("settings", #"{"require_client_id_in_form": false}"#)
            #expect(try await fake.postForm("/oauth2/device_authorization", [("scope", "offline_access")], headers: headers).status == 200)
        }
    }

    @Test("revocation_reply: the 200 of a revocation carries what the setting names", arguments: [
        ("empty_html", "text/html; charset=utf-8", ""), ("empty", nil, ""), ("json", "application/json", #"{"success":true}"#),
    ])
    func revocationReply(shape: String, contentType: String?, body: String) async throws {
        try await withFakeProvider { fake in
            try await fake.control("settings", #"{"revocation_reply": "\#(shape)"}"#)
            let headers = FakeHarness.defaultHeaders + [basic(fake)]
            let answer = try await fake.postForm("/oauth2/revoke", [("client_id", "basic-client"), ("token", "unknown")], headers: headers)
            #expect(answer.status == 200)
            #expect(answer.headers.first { $0.0.lowercased() == "content-type" }?.1 == contentType)
            #expect(answer.text == body)
        }
    }
}

// SPDX-License-Identifier: Apache-2.0
import FakeProvider
import Foundation
import TestSupport
import Testing

/// Names from the provider are text, not terminal input: a project or device name
/// with escape sequences, C1 controls and bidi overrides reaches STATUS=, the log and
/// deviceauthctl without them.
@Suite("deviceauthd: text from the provider", .serialized)
struct ProviderTextTests {
    /// ESC [ 2 J (clear screen), a forged second log line, DEL, U+009B (a one-character
    /// CSI), a right-to-left override and an isolate; around them, letters any language has.
    static let hostileName = "Nacht\u{1B}[2J\nFAKE LOG LINE\u{7F}\u{9B}31m\u{202E}gnp.exe\u{2066}×שלום"

    /// What no display of it may hold.
    static func hostile(_ text: String) -> [String] {
        text.unicodeScalars.filter { scalar in
            (scalar.value < 0x20 && scalar != "\n") || (0x7F...0x9F).contains(scalar.value)
                || [0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069, 0x200E, 0x200F, 0x061C].contains(scalar.value)
        }.map { String(format: "U+%04X", $0.value) }
    }

    @Test("A hostile project name is shown as text in STATUS=, the log, deviceauthctl status and status --json")
    func hostileProjectName() async throws {
        try await withFakeProvider(realTime: true, { $0.pollingInterval = 1; $0.projectName = Self.hostileName; $0.deviceName = Self.hostileName }) { fake in
            let daemon = try DaemonFixture(fake: fake)
            try daemon.start()
            let code = try #require(await daemon.waitForUserCode())
            try await fake.control("approve", #"{"user_code": "\#(code)"}"#)
            let status = try #require(await daemon.notify.waitStatus("authorized: project ", seconds: 20))
            #expect(Self.hostile(status) == [], "\(status.debugDescription)")
            // The letters stay, the controls are "?", the bidi controls are gone, one line.
            #expect(status.hasPrefix("STATUS=authorized: project Nacht?[2J FAKE LOG LINE??31mgnp.exe×שלום, token valid until"), "\(status.debugDescription)")

            let text = try await daemon.ctl(["status"])
            #expect(text.status == 0 && Self.hostile(text.output) == [], "\(text.output.debugDescription)")
            #expect(text.output.contains("Project: Nacht?[2J FAKE LOG LINE??31mgnp.exe×שלום\n"))
            let json = try await daemon.ctl(["status", "--json"])
            #expect(json.status == 0 && Self.hostile(json.output) == [], "\(json.output.debugDescription)")

            #expect(await daemon.stop().status == 0)
            #expect(Self.hostile(daemon.output) == [], "the daemon's log holds control characters")
            #expect(!daemon.output.contains("\nFAKE LOG LINE"), "a name forged a log line")
            #expect(daemon.output.contains("is in project Nacht?[2J FAKE LOG LINE"))
        }
    }
}

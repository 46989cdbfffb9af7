// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
import TestSupport

/// docs/operations.md's "Running it by hand", run as its reader would: its shell
/// blocks, verbatim and in order, as an ordinary user with a home of its own,
/// from the repository (the build is the test's own, so step 1 is not repeated).
@Suite("The run-by-hand guide")
struct ByHandGuideTests {
    static let uid: UInt32 = 4410

    /// The guide's ```sh blocks, in order, their indentation removed.
    static func blocks() throws -> [String] {
        let text = try String(contentsOfFile: Subprocess.packageDirectory + "/docs/operations.md", encoding: .utf8)
        let guide = try #require(text.components(separatedBy: "\n## Running it by hand\n").last).components(separatedBy: "\n## ").first ?? ""
        var blocks: [String] = [], current: [String]?
        for line in guide.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.drop { $0 == " " }
            if trimmed == "```sh" { current = []; continue }
            if trimmed == "```", let block = current { blocks.append(block.joined(separator: "\n")); current = nil; continue }
            if current != nil { current!.append(String(line.hasPrefix("   ") ? line.dropFirst(3) : line[...])) }
        }
        return blocks
    }

    @Test("Followed verbatim as a user that is not root: checked, started, paired, used, stopped",
          .needsRoot("to run the guide as another user with setpriv"))
    func followed() async throws {
        let steps = try Self.blocks()
        try #require(steps.count == 8, "the guide's steps changed: \(steps.count) blocks")
        #expect(steps[0] == "swift build")
        let home = "/tmp/da-guide-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        chown(home, Self.uid, Self.uid)
        defer { try? FileManager.default.removeItem(atPath: home) }
        // The reader's terminals, as one shell: the fake in a job of its own, disowned so
        // the daemon is %1 as in the guide; waits bounded, where a person would look.
        let script = """
            set -u
            cd "\(Subprocess.packageDirectory)"
            ( \(steps[1]) ) > ~/fake.log 2>&1 &
            fake=$!
            disown
            for i in $(seq 100); do [ -s ~/deviceauth-try/fake.port ] && break; sleep 0.1; done
            \(steps[2])
            echo "step 3 exit $?"
            \(steps[3])
            for i in $(seq 100); do [ -S ~/deviceauth-try/control.sock ] && break; sleep 0.1; done
            ( \(steps[4]) ) > ~/pair.out 2>&1 &
            pair=$!
            for i in $(seq 100); do
                approved=$(\(steps[5]))
                [ "$approved" != '{"changed":0}' ] && break
                sleep 0.2
            done
            echo "approve: $approved"
            wait $pair; echo "pair exit $?"; cat ~/pair.out | grep -a "Paired"
            \(steps[6]) | sed 's/^FAKEAT_.*/(an access token)/'
            \(steps[7])
            wait %1; echo "daemon exit $?"
            kill $fake
            """
        let run = try await Subprocess.run("/usr/bin/setpriv", ["--reuid=\(Self.uid)", "--regid=\(Self.uid)", "--clear-groups", "/bin/bash", "-c", script],
                                           seconds: 90, environment: ["HOME": home, "USER": "guide", "NOTIFY_SOCKET": "", "RUNTIME_DIRECTORY": "", "JOURNAL_STREAM": ""])
        let out = run.output
        #expect(run.status == 0)
        #expect(out.contains("the configuration is good, and so is the client secret"))
        #expect(out.contains("step 3 exit 0"))
        #expect(out.contains(#"approve: {"changed":1}"#))
        #expect(out.contains("pair exit 0") && out.contains("Paired: project Testbed."))
        #expect(out.contains("State:   authorized") && out.contains("(an access token)"))
        #expect(out.contains("daemon exit 0"))
        #expect(!out.contains("FAKEAT_"), "a token reached the output")
        #expect(!out.contains("Permission denied"))
    }
}

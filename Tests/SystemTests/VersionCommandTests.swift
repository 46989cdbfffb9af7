// SPDX-License-Identifier: Apache-2.0
import ControlProtocol
import FakeProvider
import Foundation
import Release
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `deviceauthctl version`, the worked example of a control method (docs/architecture.md):
/// the daemon's running release beside the CLI's, for anyone who may open the socket.
@Suite("deviceauthctl version")
struct VersionCommandTests {
    @Test("The running daemon's release beside the CLI's, as root and as an observer; --json is the daemon's reply")
    func realDaemon() async throws {
        try await withFakeProvider(realTime: true) { fake in
            let daemon = try DaemonFixture(fake: fake, extraConfig: "[Pairing]\nAutoPair=no\n")
            try daemon.start()
            #expect(await daemon.notify.wait(seconds: 20) { $0 == "READY=1" } != nil)
            let expected = "deviceauthctl \(Release.version)\ndeviceauthd   \(Release.version) (running)\n"
            let root = try await daemon.ctl(["version"])
            #expect(root.status == 0 && root.output == expected, "\(root.output)")
            let json = try await daemon.ctl(["version", "--json"])
            #expect(json.status == 0 && json.output == #"{"ok":true,"version":"\#(Release.version)"}"# + "\n", "\(json.output)")
            if getuid() == 0 {
                let observer = try await daemon.ctl(["version"], uid: 65534)
                #expect(observer.status == 0 && observer.output == expected, "\(observer.output)")
            }
        }
    }

    /// A daemon of another release, and one older than the method, played by a socket
    /// that answers one line (what such a daemon would send).
    @Test("Another release running says to restart; a daemon older than the method is said to be so", arguments: [
        (#"{"ok":true,"version":"0.1.0"}"#, "deviceauthd   0.1.0 (running)\nThe daemon runs another release than the one installed with this program: systemctl restart deviceauthd runs the installed one."),
        (#"{"error":{"code":"unknown_method","message":"unknown method version; methods: status"},"ok":false}"#,
         "deviceauthd   older than the version method (it predates this deviceauthctl): restart it to run the installed release"),
    ])
    func otherDaemons(answer: String, said: String) async throws {
        let directory = "/tmp/da-version-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/control.sock"
        let server = listenUnix(path)
        defer { close(server) }
        // On a thread of its own (accept blocks): never one of Swift's few pool threads.
        let answering = Task { try await blocking { () -> String in
            let connection = accept(server, nil, nil)
            defer { close(connection) }
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = read(connection, &buffer, buffer.count)
            _ = (answer + "\n").utf8CString.withUnsafeBufferPointer { write(connection, $0.baseAddress, $0.count - 1) }
            return String(decoding: buffer.prefix(max(0, count)), as: UTF8.self)
        } }
        let run = try await Subprocess.run(Subprocess.binaryURL("deviceauthctl").path, ["version", "--socket", path])
        #expect(try await answering.value == #"{"method":"version"}"# + "\n")
        #expect(run.status == 0 && run.output == "deviceauthctl \(Release.version)\n\(said)\n", "\(run.output)")
    }
}

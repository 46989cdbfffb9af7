// SPDX-License-Identifier: Apache-2.0
import Foundation

/// tinyproxy (Debian's tinyproxy-bin) on loopback, started by the test that needs it:
/// a real HTTP proxy with CONNECT, optional Basic credentials and a port allow-list.
public final class TestProxy: @unchecked Sendable {
    public let port: Int
    public let logFile: String
    private let program: Subprocess

    /// - Parameters:
    ///   - credentials: "user password" the proxy demands (407 without them).
    ///   - connectPorts: the only ports CONNECT may reach (403 for others); empty: any.
    public init(directory: String, credentials: String? = nil, connectPorts: [Int] = []) async throws {
        let logFile = directory + "/tinyproxy.log"
        self.logFile = logFile
        // Its log is written as the user it drops to.
        _ = FileManager.default.createFile(atPath: logFile, contents: nil, attributes: [.posixPermissions: 0o666])
        chmod(directory, 0o755)
        (port, program) = try await LoopbackServer.start("tinyproxy") { port in
            let config = directory + "/tinyproxy-\(port).conf"
            var lines = ["Port \(port)", "Listen 127.0.0.1", "Timeout 30", "MaxClients 64", "LogLevel Connect", "LogFile \"\(logFile)\""]
            if getuid() == 0 { lines += ["User nobody", "Group nogroup"] }
            if let credentials { lines.append("BasicAuth \(credentials)") }
            lines += connectPorts.map { "ConnectPort \($0)" }
            try (lines.joined(separator: "\n") + "\n").write(toFile: config, atomically: true, encoding: .utf8)
            return try Subprocess("/usr/bin/tinyproxy", ["-d", "-c", config])
        }
    }

    public var url: String { "http://127.0.0.1:\(port)" }

    /// The CONNECT requests the proxy logged, e.g. "CONNECT localhost:43211".
    public var connects: [String] {
        ((try? String(contentsOfFile: logFile, encoding: .utf8)) ?? "").split(separator: "\n").compactMap { line in
            line.firstMatch(of: /Request \(file descriptor [0-9]+\): CONNECT ([^ ]+)/).map { "CONNECT \($0.1)" }
        }
    }

    /// SIGTERM, and SIGKILL after 1 s: it keeps no state, and tinyproxy takes 5 s to
    /// leave on SIGTERM alone (measured), which every test would wait out.
    public func stop() async {
        program.signal(SIGTERM)
        _ = await program.waitForExit(seconds: 1)
    }

    deinit { program.signal(SIGKILL) }
}

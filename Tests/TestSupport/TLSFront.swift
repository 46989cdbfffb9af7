// SPDX-License-Identifier: Apache-2.0
import Foundation

/// A CA made for one test run with the openssl command line, and the server
/// certificates it signs: names, dates and issuer as a test needs them.
public struct TestCA: Sendable {
    public let directory: String
    /// The CA's certificate (PEM): what `CAFile=` names.
    public var certificate: String { directory + "/ca.pem" }

    /// - Parameter days: how long the CA is valid from now (a daemon whose clock is at 2040 needs decades).
    public static func make(in directory: String, name: String = "deviceauthd test CA", days: Int = 3) async throws -> TestCA {
        try FileManager.default.createDirectory(atPath: directory + "/newcerts", withIntermediateDirectories: true)
        try "".write(toFile: directory + "/index.txt", atomically: true, encoding: .utf8)
        try "01\n".write(toFile: directory + "/serial", atomically: true, encoding: .utf8)
        try """
            [ca]
            default_ca = test
            [test]
            database = \(directory)/index.txt
            new_certs_dir = \(directory)/newcerts
            serial = \(directory)/serial
            default_md = sha256
            policy = anything
            unique_subject = no
            [anything]
            commonName = supplied
            """.write(toFile: directory + "/ca.cnf", atomically: true, encoding: .utf8)
        try await openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", directory + "/ca.key",
                           "-out", directory + "/ca.pem", "-days", String(days), "-subj", "/CN=\(name)",
                           "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
        return TestCA(directory: directory)
    }

    /// A server certificate and key for `names` (DNS names and IP addresses), valid from
    /// `start` to `end` (seconds from now); answers the paths of the certificate and the key.
    public func server(_ file: String, names: [String] = ["localhost", "127.0.0.1", "::1"],
                       start: TimeInterval = -3600, end: TimeInterval = 86_400) async throws -> (certificate: String, key: String) {
        let base = directory + "/" + file
        try await Self.openssl(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", base + ".key",
                                "-out", base + ".csr", "-subj", "/CN=\(names[0])"])
        let alternatives = names.map { $0.contains(":") || $0.allSatisfy({ $0.isNumber || $0 == "." }) ? "IP:\($0)" : "DNS:\($0)" }
        try "subjectAltName=\(alternatives.joined(separator: ","))\nextendedKeyUsage=serverAuth\n"
            .write(toFile: base + ".ext", atomically: true, encoding: .utf8)
        func date(_ offset: TimeInterval) -> String {
            let formatter = DateFormatter()
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = "yyyyMMddHHmmss'Z'"
            return formatter.string(from: Date().addingTimeInterval(offset))
        }
        try await Self.openssl(["ca", "-batch", "-notext", "-config", directory + "/ca.cnf", "-cert", certificate, "-keyfile", directory + "/ca.key",
                                "-in", base + ".csr", "-out", base + ".pem", "-extfile", base + ".ext",
                                "-startdate", date(start), "-enddate", date(end)])
        return (base + ".pem", base + ".key")
    }

    struct OpenSSLError: Error, CustomStringConvertible { let description: String }

    static func openssl(_ arguments: [String]) async throws {
        let (status, output) = try await Subprocess.run("/usr/bin/openssl", arguments)
        guard status == 0 else { throw OpenSSLError(description: "openssl \(arguments.prefix(2).joined(separator: " ")): \(output)") }
    }
}

/// stunnel (Debian's stunnel4: OpenSSL's TLS, not ours) before a plain HTTP server on
/// loopback: HTTPS on 127.0.0.1 and ::1, the same port, with a test CA's certificate.
public final class TLSFront: @unchecked Sendable {
    public let port: Int
    private let program: Subprocess

    /// - Parameter target: the plain server's port on 127.0.0.1.
    /// - Parameter port: this port (a front replacing another), else a free one.
    public init(forwardingTo target: Int, certificate: String, key: String, directory: String, port fixed: Int? = nil) async throws {
        (port, program) = try await LoopbackServer.start("stunnel", hosts: ["127.0.0.1", "::1"], port: fixed) { port in
            let config = directory + "/stunnel-\(port).conf"
            try """
                foreground = yes
                pid =
                debug = notice
                [https4]
                accept = 127.0.0.1:\(port)
                connect = 127.0.0.1:\(target)
                cert = \(certificate)
                key = \(key)
                [https6]
                accept = ::1:\(port)
                connect = 127.0.0.1:\(target)
                cert = \(certificate)
                key = \(key)
                """.write(toFile: config, atomically: true, encoding: .utf8)
            return try Subprocess("/usr/bin/stunnel4", [config])
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

// SPDX-License-Identifier: Apache-2.0
import Foundation
import TestSupport
import Testing

/// Scripts/install into a directory, as an image build runs it: every file in
/// its place with its mode, units pointing at the installed binary, the
/// config left alone on a second install, and --uninstall taking back
/// exactly what it put there.
@Suite("Scripts/install")
struct InstallTests {
    static let repository = URL(fileURLWithPath: Subprocess.packageDirectory)

    func install(_ arguments: [String]) async throws -> (status: Int32?, output: String) {
        try await Subprocess.run(Self.repository.appendingPathComponent("Scripts/install").path,
                           arguments + ["--binaries", Subprocess.productsDirectory.path], seconds: 120)
    }

    /// Every regular file under `root` with its mode, as "0755 /usr/bin/deviceauthd".
    func files(_ root: String) -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: root)
        var found: [String] = []
        while let path = enumerator?.nextObject() as? String {
            let attributes = try? FileManager.default.attributesOfItem(atPath: root + "/" + path)
            guard attributes?[.type] as? FileAttributeType == .typeRegular, let mode = attributes?[.posixPermissions] as? Int else { continue }
            found.append(String(format: "%04o /%@", mode, path))
        }
        return found.sorted()
    }

    @Test("Every file in its place with its mode; --prefix reaches the units; the config is kept; --uninstall removes what it put")
    func installAndUninstall() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("install-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let first = try await install(["--destdir", root, "--prefix", "/opt/camera"])
        #expect(first.status == 0, "\(first.output)")
        #expect(files(root) == [
            "0644 /etc/deviceauth/deviceauthd.conf",
            "0644 /opt/camera/lib/systemd/catalog/deviceauthd.catalog",
            "0644 /opt/camera/lib/systemd/system/deviceauthd-api.socket",
            "0644 /opt/camera/lib/systemd/system/deviceauthd-api@.socket",
            "0644 /opt/camera/lib/systemd/system/deviceauthd.service",
            "0644 /opt/camera/lib/systemd/system/deviceauthd.socket",
            "0644 /opt/camera/lib/systemd/system/deviceauthd@.service",
            "0644 /opt/camera/lib/systemd/system/deviceauthd@.socket",
            "0644 /opt/camera/lib/sysusers.d/deviceauthd.conf",
            "0644 /opt/camera/lib/tmpfiles.d/deviceauthd.conf",
            "0644 /opt/camera/share/bash-completion/completions/deviceauthctl",
            "0644 /opt/camera/share/deviceauthd/installed-files",
            "0644 /opt/camera/share/doc/deviceauthd/examples/cameramanager.conf",
            "0644 /opt/camera/share/doc/deviceauthd/examples/deviceauthd.conf",
            "0644 /opt/camera/share/doc/deviceauthd/examples/oauth2-device.conf",
            "0644 /opt/camera/share/doc/deviceauthd/examples/oauth2.conf",
            "0644 /opt/camera/share/man/man1/deviceauthctl.1.gz",
            "0644 /opt/camera/share/man/man5/deviceauthd.conf.5.gz",
            "0644 /opt/camera/share/man/man8/deviceauthd.8.gz",
            "0755 /opt/camera/bin/deviceauthctl",
            "0755 /opt/camera/bin/deviceauthd",
            "0755 /opt/camera/lib/deviceauthd/deviceauthd-units",
        ])
        let units = try String(contentsOfFile: root + "/opt/camera/lib/deviceauthd/deviceauthd-units", encoding: .utf8)
        #expect(units.contains(#"ctl="${DEVICEAUTHCTL:-/opt/camera/bin/deviceauthctl}""#))
        for unit in ["deviceauthd.service", "deviceauthd@.service"] {
            let text = try String(contentsOfFile: root + "/opt/camera/lib/systemd/system/" + unit, encoding: .utf8)
            #expect(text.contains("ExecStart=/opt/camera/bin/deviceauthd --config") && !text.contains("/usr/bin/deviceauthd"))
        }
        let help = try await Subprocess.run(root + "/opt/camera/bin/deviceauthctl", ["--help"])
        #expect(help.status == 0 && help.output.contains("USAGE: deviceauthctl"))
        #expect(first.output.contains("nothing enabled or started"))

        // The administrator's config survives a second install.
        try "[Provider]\nClientID=edited\n".write(toFile: root + "/etc/deviceauth/deviceauthd.conf", atomically: true, encoding: .utf8)
        let second = try await install(["--destdir", root, "--prefix", "/opt/camera"])
        #expect(second.status == 0 && second.output.contains("keeping the existing"), "\(second.output)")
        #expect(try String(contentsOfFile: root + "/etc/deviceauth/deviceauthd.conf", encoding: .utf8).contains("ClientID=edited"))

        // Tokens stay unless asked; then everything it put there goes.
        try FileManager.default.createDirectory(atPath: root + "/var/lib/deviceauth", withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: root + "/var/lib/deviceauth/tokens.sqlite3", contents: Data("x".utf8))
        let script = Self.repository.appendingPathComponent("Scripts/install").path
        let removed = try await Subprocess.run(script, ["--uninstall", "--destdir", root, "--prefix", "/opt/camera"])
        #expect(removed.status == 0, "\(removed.output)")
        #expect(removed.output.contains("keeping the edited"))
        #expect(files(root) == ["0644 /etc/deviceauth/deviceauthd.conf", "0644 /var/lib/deviceauth/tokens.sqlite3"])
        #expect(try await Subprocess.run(script, ["--uninstall", "--destdir", root, "--prefix", "/opt/camera"]).output.contains("nothing to uninstall"))
        // A fresh install and an uninstall with --purge-state: the tokens go too.
        try FileManager.default.removeItem(atPath: root + "/etc/deviceauth/deviceauthd.conf")
        #expect(try await install(["--destdir", root]).status == 0)
        let purged = try await Subprocess.run(script, ["--uninstall", "--destdir", root, "--purge-state"])
        #expect(purged.status == 0 && purged.output.contains("removed the state directory"), "\(purged.output)")
        #expect(files(root).isEmpty)
        #expect(try await Subprocess.run(Self.repository.appendingPathComponent("Scripts/install").path, ["--bogus"]).status == 64)
        let usage = try await Subprocess.run(Self.repository.appendingPathComponent("Scripts/install").path, ["--help"])
        #expect(usage.status == 0 && usage.output.hasPrefix("Usage: Scripts/install") && !usage.output.contains("set -euo"), "\(usage.output)")
    }
}

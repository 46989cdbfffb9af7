// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import FakeProvider
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// `deviceauth-fake-provider`: the fake Frame.io C2C provider as a program,
/// for the demo, the end-to-end tests and the benchmarks.
@main
struct FakeProviderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deviceauth-fake-provider",
        abstract: "A faithful fake of the providers deviceauthd speaks (Frame.io C2C, standard OAuth 2.0, CameraManager), on 127.0.0.1 only.",
        discussion: """
            Serves Frame.io's /v2/auth/device/code, /v2/auth/token, /v2/auth/revoke,
            /v2/devices/me, /v2/devices/heartbeat and an activation page at /device; a
            standard authorization server under /oauth2 (RFC 8414, 8628, 7009, PKCE login);
            CameraManager's /oauth/token (password and refresh grants) and its logout; and
            the test-control API under /_fake/ (approve, deny, expire-access, revoke-all,
            faults, settings, stats).
            Stops cleanly on SIGTERM or SIGINT.
            """
    )

    @Option(help: "TCP port on 127.0.0.1; 0 picks a free one.")
    var port = 0

    @Option(help: "Write the bound port to this file (atomically) once listening.")
    var portFile: String?

    @Option(help: "The client_secret clients must present (default: fake-c2c-client-secret).")
    var clientSecret: String?

    @Option(help: "Read the client_secret from this file instead (keeps it out of `ps`).")
    var clientSecretFile: String?

    @Option(name: .customLong("access-ttl"), help: "Access token lifetime in seconds.")
    var accessTTL = 28_800

    @Option(name: .customLong("refresh-ttl"), help: "Refresh token lifetime in seconds.")
    var refreshTTL = 14 * 86_400

    @Option(name: .customLong("code-ttl"), help: "Device code lifetime (expires_in) in seconds.")
    var codeTTL = 120

    @Option(help: "Polling interval handed out with each device code, in seconds.")
    var interval = 5

    @Option(help: "Approve every device code this many seconds after it was issued.")
    var autoApproveAfter: Double?

    @Option(help: "Project name shown on the activation page and by /v2/devices/me.")
    var projectName = "Testbed"

    @Option(help: "Device name the provider gives a paired camera.")
    var deviceName = "Frameio-CAMERA"

    @Option(name: .customLong("user"), help: ArgumentHelp(
        "A CameraManager user, EMAIL:PASSWORD (repeatable); default camera@example.com with a built-in test password.",
        valueName: "email:password"))
    var users: [String] = []

    @Option(name: .customLong("cameramanager-ttl"), help: "CameraManager access token lifetime in seconds (its guide: 43199).")
    var cameraManagerTTL = 43_199

    func validate() throws {
        guard cameraManagerTTL > 0 else { throw ValidationError("--cameramanager-ttl must be positive") }
        for user in users where !user.contains(":") || user.hasPrefix(":") {
            throw ValidationError("--user takes EMAIL:PASSWORD")
        }
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be 0…65535") }
        guard accessTTL > 0, refreshTTL > 0, codeTTL > 0 else { throw ValidationError("lifetimes must be positive") }
        guard interval >= 0 else { throw ValidationError("--interval must not be negative") }
        if let autoApproveAfter, autoApproveAfter < 0 { throw ValidationError("--auto-approve-after must not be negative") }
        if clientSecret != nil && clientSecretFile != nil {
            throw ValidationError("give --client-secret or --client-secret-file, not both")
        }
    }

    func run() async throws {
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        let logger = {
            var logger = Logger(label: "deviceauth-fake-provider")
            logger.logLevel = .info
            return logger
        }()

        var configuration = FakeProviderConfiguration()
        if let clientSecret { configuration.clientSecret = clientSecret }
        if let clientSecretFile { configuration.clientSecret = try readSecret(clientSecretFile) }
        configuration.accessTokenLifetime = accessTTL
        configuration.refreshTokenLifetime = refreshTTL
        configuration.deviceCodeLifetime = codeTTL
        configuration.pollingInterval = interval
        configuration.autoApproveAfter = autoApproveAfter
        configuration.projectName = projectName
        configuration.deviceName = deviceName
        configuration.cameraManagerTokenLifetime = cameraManagerTTL
        if !users.isEmpty {
            configuration.users = Dictionary(users.map { user in
                let colon = user.firstIndex(of: ":")!
                return (String(user[..<colon]), String(user[user.index(after: colon)...]))
            }) { _, last in last }
        }

        let portFile = self.portFile
        let provider = FakeProvider(configuration: configuration, logger: logger)
        let app = provider.makeApplication(port: port) { boundPort in
            if let portFile {
                do { try writeAtomically("\(boundPort)\n", to: portFile) } catch {
                    logger.critical("cannot write the port file", metadata: ["path": "\(portFile)", "error": "\(error)"])
                    // Whoever waits for the port file would wait forever: fail loudly instead (EX_CANTCREAT).
                    Foundation.exit(73)
                }
            }
            logger.info("activation page: http://127.0.0.1:\(boundPort)/device")
        }
        // Requests held by `hang` or `delay` faults must not hold up a stop: after
        // 2 s of graceful shutdown they are cancelled.
        var groupConfiguration = ServiceGroupConfiguration(services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        groupConfiguration.maximumGracefulShutdownDuration = .seconds(2)
        try await ServiceGroup(configuration: groupConfiguration).run()
    }

    private func readSecret(_ path: String) throws -> String {
        do {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            return text.trimmingCharacters(in: .whitespacesAndNewlines)
        } catch {
            throw ValidationError("cannot read --client-secret-file \(path): \(error.localizedDescription)")
        }
    }
}

/// Write to a temporary file and rename it, so a reader never sees half a port number.
func writeAtomically(_ text: String, to path: String) throws {
    let temporary = path + ".tmp-\(getpid())"
    try text.write(toFile: temporary, atomically: false, encoding: .utf8)
    guard rename(temporary, path) == 0 else {
        unlink(temporary)
        throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
    }
}

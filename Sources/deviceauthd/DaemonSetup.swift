// SPDX-License-Identifier: Apache-2.0
import AccessPolicy
import DeviceAuthConfig
import TokenStorage
import Primitives
import Control
import CurlHTTP
import DeviceAuth
import OAuthProvider
import Systemd
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Everything the daemon needs, resolved from the config file and the
/// environment systemd gives us, before any network or store is touched.
struct DaemonSetup: Sendable {
    let configuration: DaemonConfiguration
    /// nil for a public client (`ClientAuthentication=none`).
    let clientSecret: String?
    let secretSource: String
    let stateDirectory: String
    let credentialsDirectory: String?
    /// Where pairing.png and pairing.svg go: $RUNTIME_DIRECTORY, else /run/deviceauth.
    let runtimeDirectory: String
    let controlSocket: String
    let authorizer: PeerAuthorizer
    /// CAFile='s bundle, read and checked; nil: the system's store.
    let trust: TrustBundle?
    /// The proxy's credentials (secret: never printed).
    let proxyCredentials: ProxyCredentials?

    static func resolve(configPath: String) throws(ConfigError) -> DaemonSetup {
        let configuration = try DaemonConfiguration.load(path: configPath)
        let credentialsDirectory = SystemFiles.environment("CREDENTIALS_DIRECTORY")
        let (secret, source): (String?, String) = configuration.needsClientSecret
            ? try atLine(configuration, "Provider.ClientSecretFile", configuration.clientSecretFile) { () throws(ConfigError) in
                try ClientSecret.load(configuredFile: configuration.clientSecretFile, credentialsDirectory: credentialsDirectory)
            }
            : (nil, "none: a public client (ClientAuthentication=none)")
        let runtimeDirectory = runtimeDirectory(configuration)
        let authorizer = try resolveAuthorizer(configuration)
        let trust = try configuration.caFile.map { path throws(ConfigError) in try checkTrust(path, configuration) }
        let proxyCredentials = configuration.proxy == nil ? nil
            : try atLine(configuration, "Network.ProxyCredentialsFile", configuration.proxyCredentialsFile) { () throws(ConfigError) in
                try ProxyCredentials.load(configuredFile: configuration.proxyCredentialsFile, credentialsDirectory: credentialsDirectory)
            }
        return DaemonSetup(
            configuration: configuration,
            clientSecret: secret,
            secretSource: source,
            stateDirectory: stateDirectory(configuration),
            credentialsDirectory: credentialsDirectory,
            runtimeDirectory: runtimeDirectory,
            controlSocket: configuration.controlSocket ?? runtimeDirectory + "/control.sock",
            authorizer: authorizer,
            trust: trust,
            proxyCredentials: proxyCredentials)
    }

    /// A file the config names that cannot be used is reported at the config's line too
    /// (`FILE:LINE: ClientSecretFile=PATH: why`), as every other config error is.
    static func atLine<T>(_ configuration: DaemonConfiguration, _ key: String, _ configured: String?,
                          _ body: () throws(ConfigError) -> T) throws(ConfigError) -> T {
        do {
            return try body()
        } catch .secret(let path, let reason) where path == configured {
            let name = key.split(separator: ".").last.map(String.init) ?? key
            throw configuration.error(at: key, "\(name)=\(path): \(reason)")
        }
    }

    /// CAFile= must be a bundle curl can use: readable, certificates that parse, not all
    /// expired (then no provider certificate could be verified). Its line is named.
    static func checkTrust(_ path: String, _ configuration: DaemonConfiguration) throws(ConfigError) -> TrustBundle {
        func fail(_ message: String) -> ConfigError { configuration.error(at: "Provider.CAFile", message) }
        let bundle: TrustBundle
        do { bundle = try TrustBundle.load(path) } catch { throw fail("CAFile=\(error)") }
        let expired = bundle.expired(at: WallTime())
        if expired.count == bundle.certificates.count {
            throw fail("CAFile=\(path): every certificate in it has expired (\(expired.map { "\($0.subject) on \($0.notAfter)" }.joined(separator: ", ")))")
        }
        return bundle
    }

    /// How every call reaches the provider (discovery, tokens, revocation, the device API).
    var network: CurlTransport.Network {
        CurlTransport.Network(caFile: trust?.path, proxy: configuration.proxy, noProxy: configuration.noProxy, proxyCredentials: proxyCredentials)
    }

    static func resolveAuthorizer(_ configuration: DaemonConfiguration) throws(ConfigError) -> PeerAuthorizer {
        do {
            return try PeerAuthorizer.resolve(tokenReaders: configuration.tokenReaders, pairingViewers: configuration.pairingViewers,
                                              daemonUID: getuid())
        } catch {
            // With the file and line of the entry, as every config error has them.
            throw configuration.error(at: "Control." + error.key, "\(error)")
        }
    }

    /// Where the QR files and the metrics go: systemd's `$RUNTIME_DIRECTORY`, else the
    /// directory of Socket= (a daemon run by hand keeps its files together), else /run/deviceauth.
    static func runtimeDirectory(_ configuration: DaemonConfiguration) -> String {
        if let fromSystemd = SystemFiles.environment("RUNTIME_DIRECTORY")?.split(separator: ":").first { return String(fromSystemd) }
        if let socket = configuration.controlSocket { return SystemFiles.parentDirectory(socket) }
        return "/run/deviceauth"
    }

    /// StateDirectory=, else the first of systemd's `$STATE_DIRECTORY`, else /var/lib/deviceauth.
    static func stateDirectory(_ configuration: DaemonConfiguration) -> String {
        if let configured = configuration.stateDirectory { return configured }
        if let fromSystemd = SystemFiles.environment("STATE_DIRECTORY")?.split(separator: ":").first { return String(fromSystemd) }
        return "/var/lib/deviceauth"
    }

    /// The client id (see `ClientIdentity`); `save` keeps a new one in the state directory.
    func identity(save: Bool) throws(FileError) -> (identity: ClientIdentity, notice: String?) {
        if save { try SystemFiles.makeDirectory(stateDirectory, mode: 0o700) }
        let stateDirectory = stateDirectory
        return try ClientIdentity.resolve(
            configured: configuration.clientID, stateDirectory: stateDirectory, save: save,
            machineID: { Result { () throws(MachineIDError) in try MachineID.applicationSpecific() }.mapError { $0 as any Error } },
            // A check changes nothing: it does not open the token store (SQLite would
            // create its WAL files, as whoever runs the check).
            tokenStoreClientID: { save ? TokenStore.storedClientID(directory: stateDirectory) : nil })
    }

    var policy: PairingPolicy { configuration.pairingPolicy }
}

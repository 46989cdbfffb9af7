// SPDX-License-Identifier: Apache-2.0
import Primitives
import ControlProtocol
import CurlHTTP
import OAuthProvider

/// `deviceauthd --check-config`: the configuration, the client secret, the state
/// directory and control socket's place and, with `Issuer=`, the provider's metadata.
/// Changes nothing on disk.
struct ConfigCheck {
    let setup: DaemonSetup
    let configPath: String

    /// Prints what was found; answers whether the configuration is good.
    func run() async -> Bool {
        if setup.configuration.needsClientSecret {
            print("\(configPath): the configuration is good, and so is the client secret (from \(setup.secretSource))")
        } else {
            print("\(configPath): the configuration is good; no client secret is needed (a public client: ClientAuthentication=none)")
        }
        if let (identity, notice) = try? setup.identity(save: false) {
            print("client id \(identity.clientID) (\(identity.source == .random ? "a random one would be kept: \(notice ?? "")" : ControlStatus.describeClientIDSource(identity.source.rawValue)))")
        }
        if let trust = setup.trust {
            let soonest = trust.certificates.map(\.notAfter).min()
            print("CAFile=\(trust.path): \(trust.certificates.count) CA certificate\(trust.certificates.count == 1 ? "" : "s") trusted instead of the system's store\(soonest.map { ", the first to expire on \($0)" } ?? "")")
        }
        for warning in setup.warnings { print("warning: \(warning)") }
        // What the start would stop at (exit 73), found without creating anything.
        if let problem = setup.stateDirectoryProblem() {
            print("configuration error: \(problem)")
            return false
        }
        if let problem = setup.controlSocketProblem() { print("warning: \(problem) (unless systemd hands it the socket)") }
        guard let issuer = setup.configuration.issuer else { return true }
        // The same checks as at start, without writing the cache (a check changes nothing).
        let fetched: Result<ProviderMetadata, DiscoveryError>
        do {
            fetched = .success(try await ProviderDiscovery.fetch(
                issuer: issuer, needs: setup.discoveryNeeds, transport: CurlTransport(timeoutSeconds: 10, network: setup.network),
                now: WallTime().timeIntervalSince1970))
        } catch { fetched = .failure(error) }
        switch fetched {
        case .success(let metadata):
            print("provider metadata of \(issuer) is good: token endpoint \(metadata.endpoints.token)\(metadata.endpoints.revocation == nil ? ", no revocation endpoint" : "")")
            return true
        case .failure(.invalid(let url, let reason)):
            print("configuration error: Issuer=\(issuer): \(url): \(reason)")
            return false
        case .failure(let error):
            // Out of reach now is not a bad configuration: the daemon will look again.
            print("warning: \(error); the metadata could not be checked")
            return true
        }
    }
}

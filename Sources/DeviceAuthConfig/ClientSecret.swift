// SPDX-License-Identifier: Apache-2.0
import Primitives
import CLinux
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Reads the per-model client_secret: from `$CREDENTIALS_DIRECTORY/client_secret`
/// (systemd LoadCredential(Encrypted)=), else from `ClientSecretFile=`. Neither may be
/// readable by others, as ssh has it for keys: a file by its mode (0600 or stricter); a
/// credential, which systemd makes readable by the service alone, by its mode too, except
/// that systemd may grant the service's user through an ACL, whose mask then shows as the
/// group's bits.
public enum ClientSecret {
    /// What to do when there is no secret: the encrypted credential first (what the shipped
    /// units load), a plain file second.
    public static let missingAdvice = "no client secret: encrypt it for this machine with systemd-creds encrypt --name=client_secret FILE /etc/credstore.encrypted/deviceauthd.client_secret (the shipped unit loads it with LoadCredentialEncrypted=), or set ClientSecretFile= in [Provider] to a file of mode 0600"

    public static func load(configuredFile: String?, credentialsDirectory: String?) throws(ConfigError) -> (secret: String, source: String) {
        if let credentialsDirectory, SystemFiles.exists(credentialsDirectory + "/client_secret") {
            let path = credentialsDirectory + "/client_secret"
            return (try read(path, as: .credential), path)
        }
        guard let path = configuredFile else { throw .missing(missingAdvice) }
        return (try read(path, as: .file), path)
    }

    enum Source { case file, credential }

    static func read(_ path: String, as source: Source) throws(ConfigError) -> String {
        do {
            let status = try SystemFiles.status(path)
            guard status.isRegular else { throw ConfigError.secret(path: path, reason: "is not a regular file") }
            switch source {
            case .file:
                guard status.mode & 0o077 == 0 else {
                    throw ConfigError.secret(path: path, reason: "is readable by group or others (mode \(String(status.mode, radix: 8))); run chmod 600 on it")
                }
            case .credential:
                guard status.mode & 0o007 == 0, status.mode & 0o070 == 0 || hasAccessList(path) else {
                    throw ConfigError.secret(path: path, reason: "is readable by group or others (mode \(String(status.mode, radix: 8))): systemd makes credentials readable by the service alone, so this one was put there by other means; load it with LoadCredentialEncrypted= (or LoadCredential=) in the unit")
                }
            }
            let text = try SystemFiles.readText(path, limit: 4096)
            let secret = text.filter { !$0.isNewline }.trimmingWhitespace()
            guard !secret.isEmpty else { throw ConfigError.secret(path: path, reason: "is empty") }
            return secret
        } catch let error as ConfigError {
            throw error
        } catch let error as FileError {
            throw .secret(path: path, reason: "cannot be read: \(error.reason)")
        } catch {
            throw .secret(path: path, reason: "cannot be read")
        }
    }

    /// Whether the file carries a POSIX ACL (systemd's way of granting a credential to the
    /// service's user when it cannot give it the file).
    static func hasAccessList(_ path: String) -> Bool {
        getxattr(path, "system.posix_acl_access", nil, 0) > 0
    }
}

// SPDX-License-Identifier: Apache-2.0
import DeviceAuth
import Primitives
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The key material tokens are sealed with: the systemd credential
/// `token_key` when there is one, else a key file beside the database,
/// created once with mode 0600.
public enum TokenKey {
    public static let fileName = "token.key"
    static let length = 32

    /// - Returns: the key material, where it came from (for the log), and whether it was made just now.
    public static func load(stateDirectory: String, credentialsDirectory: String?) throws(StoreError) -> (material: [UInt8], source: String, isNew: Bool) {
        if let found = try existing(stateDirectory: stateDirectory, credentialsDirectory: credentialsDirectory) {
            return (found.material, found.source, false)
        }
        do { try SystemFiles.makeDirectory(stateDirectory, mode: 0o700) } catch {
            throw StoreError("cannot create the state directory \(error)")
        }
        let path = stateDirectory + "/" + fileName
        var generator = SystemRandomNumberGenerator()
        let material = (0..<length).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        do { try SystemFiles.writeAtomically(material, to: path, mode: 0o600) } catch {
            throw StoreError("cannot create the token key: \(error)")
        }
        return (material, path + " (new)", true)
    }

    /// The key there is now, checked (length, a file's mode), without making one:
    /// nil when there is none (the next start makes one). `deviceauthctl doctor` asks this.
    public static func existing(stateDirectory: String, credentialsDirectory: String?) throws(StoreError) -> (material: [UInt8], source: String)? {
        if let credentialsDirectory {
            let path = credentialsDirectory + "/token_key"
            if SystemFiles.exists(path) {
                let material: [UInt8]
                do { material = try SystemFiles.read(path, limit: 4096) } catch { throw StoreError("cannot read the token_key credential: \(error)") }
                guard material.count >= 16 else { throw StoreError("\(path): the token_key credential must hold at least 16 bytes") }
                return (material, path)
            }
        }
        let path = stateDirectory + "/" + fileName
        guard SystemFiles.exists(path) else { return nil }
        let material: [UInt8]
        do {
            let status = try SystemFiles.status(path)
            guard status.mode & 0o077 == 0 else {
                throw FileError(path, "is readable by group or others; chmod 600 it")
            }
            material = try SystemFiles.read(path, limit: 4096)
        } catch { throw StoreError("token key \(error)") }
        guard material.count == length else { throw StoreError("\(path): a token key file holds exactly \(length) bytes") }
        return (material, path)
    }
}

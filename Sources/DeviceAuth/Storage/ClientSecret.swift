/// Reads the per-model client_secret: from `$CREDENTIALS_DIRECTORY/client_secret`
/// (systemd LoadCredential(Encrypted)=), else from `ClientSecretFile=`, which —
/// as ssh does with keys — must not be readable by group or others.
public enum ClientSecret {
    public static func load(configuredFile: String?, credentialsDirectory: String?) throws(ConfigError) -> (secret: String, source: String) {
        if let credentialsDirectory, SystemFiles.exists(credentialsDirectory + "/client_secret") {
            let path = credentialsDirectory + "/client_secret"
            return (try read(path, checkMode: false), path)
        }
        guard let path = configuredFile else {
            throw .missing("no client secret: set ClientSecretFile= in [Provider] or give the unit LoadCredential=client_secret:…")
        }
        return (try read(path, checkMode: true), path)
    }

    static func read(_ path: String, checkMode: Bool) throws(ConfigError) -> String {
        do {
            if checkMode {
                let status = try SystemFiles.status(path)
                guard status.isRegular else { throw ConfigError.secret(path: path, reason: "is not a regular file") }
                guard status.mode & 0o077 == 0 else {
                    throw ConfigError.secret(path: path, reason: "is readable by group or others (mode \(String(status.mode, radix: 8))); run chmod 600 on it")
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
}

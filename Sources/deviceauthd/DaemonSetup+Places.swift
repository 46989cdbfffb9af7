// SPDX-License-Identifier: Apache-2.0
import DeviceAuthConfig
import Primitives

/// Whether the places the daemon writes can be used by whoever runs it: checked by
/// `--check-config` as the start will find them, and named with what to do when the
/// start cannot use them (a daemon run by hand, as a user, meets this first).
extension DaemonSetup {
    /// What someone running the daemon by hand can do about a place it cannot write.
    static let byHandAdvice = "as a user, set StateDirectory= in [Storage] and Socket= in [Control] to places that user may create (docs/operations.md, \"Running it by hand\"), or start it from its unit, which creates both"

    /// The state directory cannot be created or written: a configuration error, at
    /// StateDirectory='s line when the config sets it.
    func stateDirectoryProblem() -> ConfigError? {
        guard let why = SystemFiles.whyNotWritable(stateDirectory) else { return nil }
        let message = "the state directory \(stateDirectory) cannot be used by this user: \(why); \(Self.byHandAdvice)"
        return configuration.stateDirectory == nil ? .missing(message) : configuration.error(at: "Storage.StateDirectory", message)
    }

    /// The control socket's directory cannot be created or written (nil when it can).
    /// Only a warning for --check-config: under systemd the socket unit makes the socket.
    func controlSocketProblem() -> String? {
        SystemFiles.whyNotWritable(SystemFiles.parentDirectory(controlSocket)).map {
            "the control socket \(controlSocket) cannot be made by this user: \($0); \(Self.byHandAdvice)"
        }
    }
}

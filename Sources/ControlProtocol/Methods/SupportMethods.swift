// SPDX-License-Identifier: Apache-2.0
import AccessPolicy
/// What support asks for: the daemon's checks, and which release is running.

public struct DoctorResult: Codable, Sendable, Equatable {
    /// One entry per check, in the order they ran.
    public var checks: [ControlCheck]
    public init(checks: [ControlCheck]) { self.checks = checks }
}

public enum DoctorMethod: ControlMethod {
    public typealias Result = DoctorResult
    public static let name = "doctor", use = Use.administer, command = "doctor"
}

/// The release the daemon runs: after a firmware update that did not restart it,
/// not the one installed (which `deviceauthctl --version` and the package name).
public struct VersionResult: Codable, Sendable, Equatable {
    public var version: String
    public init(version: String) { self.version = version }
}

public enum VersionMethod: ControlMethod {
    public typealias Result = VersionResult
    public static let name = "version", use = Use.observe, command = "version"
}

// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing

/// What a test needs of the machine, as traits: a test whose need is not met is
/// skipped with the reason in the run's output, never failed and never passed.
/// Stops the running test as skipped, with `why`, unless it runs as root: for helpers whose
/// options need root (other uids, mount namespaces), so every test using them skips alike.
func requireRoot(_ why: String) throws {
    guard getuid() != 0 else { return }
    #if compiler(>=6.3)
    try Test.cancel("needs root (\(why))")
    #else
    struct NeedsRoot: Error, CustomStringConvertible { let description: String }
    throw NeedsRoot(description: "needs root (\(why))")
    #endif
}

extension Trait where Self == ConditionTrait {
    /// Root, for `why` (other uids through setpriv, mount namespaces, tmpfs).
    static func needsRoot(_ why: String) -> Self {
        .enabled(if: getuid() == 0, "needs root (\(why))")
    }

    /// An executable that a package provides (Scripts/setup installs it).
    static func needsProgram(_ path: String, from package: String) -> Self {
        .enabled(if: FileManager.default.isExecutableFile(atPath: path), "needs \(path) (Debian's \(package); Scripts/setup installs it)")
    }
}

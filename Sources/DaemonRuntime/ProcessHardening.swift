// SPDX-License-Identifier: Apache-2.0
import CLinux
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The daemon holds the client secret, the tokens and the key that seals them:
/// none of that may reach a core file (systemd-coredump keeps cores on flash,
/// past a purge) or another process of the same user.
public enum ProcessHardening {
    /// Call first thing in `main`, before any secret is read. PR_SET_DUMPABLE 0
    /// makes the kernel write no core and refuse ptrace and /proc/PID/mem, environ
    /// and the like to anyone but root; RLIMIT_CORE 0 says the same to a core
    /// handler that ignores the flag. The unit's `LimitCORE=0` is the third layer.
    /// - Returns: nil, or what could not be set (the caller logs it; it is not fatal).
    public static func forbidCoreDumps() -> String? {
        var problems: [String] = []
        if deviceauth_not_dumpable() != 0 { problems.append("prctl(PR_SET_DUMPABLE, 0): \(String(cString: strerror(errno)))") }
        if deviceauth_forbid_core_files() != 0 { problems.append("setrlimit(RLIMIT_CORE, 0): \(String(cString: strerror(errno)))") }
        return problems.isEmpty ? nil : problems.joined(separator: "; ")
    }
}

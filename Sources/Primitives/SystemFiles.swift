// SPDX-License-Identifier: Apache-2.0
import CLinux
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a file operation failed, in words a firmware engineer can act on.
public struct FileError: Error, Equatable, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "\(path): \(reason)" }

    package init(_ path: String, errno code: Int32) {
        self.path = path
        self.reason = String(cString: strerror(code))
    }

    package init(_ path: String, _ reason: String) {
        self.path = path
        self.reason = reason
    }
}

/// The few file operations the daemon needs, on POSIX calls, because the
/// daemon does not link full Foundation.
public enum SystemFiles {
    /// Reads a whole (small) file. Refuses anything over `limit` bytes.
    public static func read(_ path: String, limit: Int = 1 << 20) throws(FileError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileError(path, errno: errno) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw FileError(path, errno: errno)
            }
            if count == 0 { return bytes }
            bytes.append(contentsOf: buffer[0..<count])
            if bytes.count > limit { throw FileError(path, "larger than \(limit) bytes") }
        }
    }

    public static func readText(_ path: String, limit: Int = 1 << 20) throws(FileError) -> String {
        let bytes = try read(path, limit: limit)
        guard let text = String(validating: bytes, as: UTF8.self) else { throw FileError(path, "not valid UTF-8") }
        return text
    }

    /// Writes `bytes` to a temporary file beside `path`, fsyncs it, renames it
    /// over `path` and fsyncs the directory, so a reader (or a power cut) sees
    /// the old file or the new one, never half of either.
    public static func writeAtomically(_ bytes: [UInt8], to path: String, mode: mode_t = 0o600, group: gid_t? = nil) throws(FileError) {
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else { throw FileError(temporary, errno: errno) }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, $0.count - written) }
            if count < 0 {
                if errno == EINTR { continue }
                let code = errno
                close(fd)
                unlink(temporary)
                throw FileError(temporary, errno: code)
            }
            written += count
        }
        // The group before the mode, so the file is never readable by a group it is not meant for.
        if (group.map { fchown(fd, uid_t.max, $0) } ?? 0) != 0 || fchmod(fd, mode) != 0 || fsync(fd) != 0 {
            let code = errno
            close(fd)
            unlink(temporary)
            throw FileError(temporary, errno: code)
        }
        close(fd)
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw FileError(path, errno: code)
        }
        syncDirectory(of: path)
    }

    package static func syncDirectory(of path: String) {
        let directory = parentDirectory(path)
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 { fsync(fd); close(fd) }
    }

    public static func parentDirectory(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// The permission bits and owner of `path`, following symlinks.
    /// Through the C shim's 64-bit status (a 32-bit build's stat would fail with EOVERFLOW
    /// on a large file or inode).
    public static func status(_ path: String) throws(FileError) -> (mode: mode_t, owner: uid_t, isRegular: Bool, isDirectory: Bool) {
        var info = deviceauth_file_status()
        guard deviceauth_status(path, 1, &info) == 0 else { throw FileError(path, errno: errno) }
        let type = mode_t(info.mode) & S_IFMT
        return (mode_t(info.mode) & 0o7777, uid_t(info.owner), type == S_IFREG, type == S_IFDIR)
    }

    public static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    /// Creates `path` (and its parents) with `mode` when missing.
    public static func makeDirectory(_ path: String, mode: mode_t = 0o700) throws(FileError) {
        if exists(path) {
            guard try status(path).isDirectory else { throw FileError(path, "exists and is not a directory") }
            return
        }
        let parent = parentDirectory(path)
        if parent != path && parent != "." && !exists(parent) { try makeDirectory(parent, mode: 0o755) }
        if mkdir(path, mode) != 0 && errno != EEXIST { throw FileError(path, errno: errno) }
        // The daemon runs with umask 077; a directory others must enter (the runtime one) says so itself.
        chmod(path, mode)
    }

    /// The names in a directory (no "." or ".."), sorted; empty when it does not exist.
    public static func list(_ directory: String) -> [String] {
        guard let dir = opendir(directory) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    public static func environment(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        let text = String(cString: value)
        return text.isEmpty ? nil : text
    }
}

// The C library's read by a name `SystemFiles.read` does not shadow (Glibc or Musl alike).
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int { read(fd, buffer, count) }

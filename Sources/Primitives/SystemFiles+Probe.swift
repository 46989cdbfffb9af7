// SPDX-License-Identifier: Apache-2.0
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension SystemFiles {
    /// Why this process could not create `directory` (when missing) and files in it, or
    /// nil when it could. Found by doing it, then undoing it: a probe directory made and
    /// removed in `directory` or in its nearest ancestor that exists. Permissions alone
    /// would not tell (root passes every permission check, yet nothing can be made in
    /// /proc or on a read-only file system).
    public static func whyNotWritable(_ directory: String) -> String? {
        var base = directory
        while !exists(base) {
            let parent = parentDirectory(base)
            if parent == base || parent == "." { return "no part of \(directory) exists" }
            base = parent
        }
        guard let info = try? status(base), info.isDirectory else { return "\(base) exists and is not a directory" }
        var template = Array((base == "/" ? "" : base).utf8CString.dropLast()) + Array("/.deviceauthd-check-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) != nil }
        guard made else {
            let why = String(cString: strerror(errno))
            return base == directory ? "cannot create files in \(base): \(why)" : "cannot create \(directory): nothing can be made in \(base) (\(why))"
        }
        rmdir(template)  // the name mkdtemp filled in, still NUL-terminated
        return nil
    }
}

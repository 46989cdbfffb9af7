// SPDX-License-Identifier: Apache-2.0
import CLinux
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Sockets systemd opened for us, from `LISTEN_FDS` and `LISTEN_FDNAMES`: the control
/// socket (`deviceauthd.socket`) and, when `deviceauthd-api.socket` is enabled, the API
/// forwarder's, told apart by the name its unit gives it (`FileDescriptorName=forwarder`).
public enum SocketActivation {
    public enum Inherited: Equatable, Sendable {
        /// systemd passed nothing: the daemon binds its own socket.
        case none
        /// A listening Unix stream socket (its path, as systemd bound it).
        case listening(fd: Int32, path: String?)
        /// Something the daemon cannot serve on; the words say what.
        case unusable(String)
    }

    /// What systemd handed over, socket by socket.
    public struct Handover: Equatable, Sendable {
        public var control: Inherited = .none
        public var forwarder: Inherited = .none
    }

    /// The name that makes a passed socket the forwarder's (`FileDescriptorName=` in its unit);
    /// any other (the control socket's unit name by default) is the control socket.
    public static let forwarderName = "forwarder"

    /// The first descriptor systemd passes (SD_LISTEN_FDS_START).
    static let firstDescriptor: Int32 = 3

    /// Takes what systemd passed and clears `LISTEN_*`, so nothing we start inherits it.
    /// Descriptors that are not served are closed.
    public static func take() -> Handover {
        let names = getenv("LISTEN_FDNAMES").map { String(cString: $0) }
        let (count, problem) = listenedDescriptors()
        if let problem { return Handover(control: .unusable(problem)) }
        let roles = assign(count: Int(count), names: names)
        if let surplus = roles.lazy.compactMap({ if case .surplus(let why) = $0 { why } else { nil } }).first {
            for index in roles.indices { close(firstDescriptor + Int32(index)) }
            return Handover(control: .unusable(surplus))
        }
        var handover = Handover()
        for (index, role) in roles.enumerated() {
            let fd = firstDescriptor + Int32(index)
            if role == .forwarder {
                handover.forwarder = inspect(fd, "API forwarder's socket", example: "ListenStream=/run/…/api.sock in deviceauthd-api.socket")
            } else {
                handover.control = inspect(fd, "control socket", example: "ListenStream=/run/…/control.sock")
            }
        }
        return handover
    }

    enum Role: Equatable { case control, forwarder, surplus(String) }

    /// Which passed descriptor is which, by `LISTEN_FDNAMES` (colon-separated, one name per
    /// descriptor; ignored when it does not have one each, as sd_listen_fds_with_names does).
    /// One control socket and one forwarder's at most: any more is a unit that passes
    /// sockets the daemon has no use for, said once.
    static func assign(count: Int, names: String?) -> [Role] {
        var given = names.map { $0.split(separator: ":", omittingEmptySubsequences: false).map(String.init) } ?? []
        if given.count != count { given = Array(repeating: "", count: count) }
        var roles: [Role] = []
        for name in given {
            let wanted: Role = name == forwarderName ? .forwarder : .control
            if roles.contains(wanted) {
                let others = given.filter { ($0 == forwarderName) == (wanted == .forwarder) }.count
                roles.append(.surplus("systemd passed \(others) sockets \(wanted == .forwarder ? "named \(forwarderName)" : "for the control socket"); the daemon serves one control socket (deviceauthd.socket) and one API forwarder's socket (FileDescriptorName=\(forwarderName))"))
            } else {
                roles.append(wanted)
            }
        }
        return roles
    }

    /// A passed descriptor the daemon serves on: a listening Unix stream socket, or why not.
    static func inspect(_ fd: Int32, _ what: String, example: String) -> Inherited {
        guard isListeningUnixStream(fd) else {
            close(fd)
            return .unusable("the \(what) systemd passed is not a listening Unix stream socket (\(example)); peer credentials decide who may use it, which only a Unix socket has")
        }
        return .listening(fd: fd, path: path(of: fd))
    }

    /// sd_listen_fds(3) with unset_environment: how many descriptors from 3 on are ours
    /// (0 when `LISTEN_PID` is missing or names another process), each made close-on-exec.
    static func listenedDescriptors() -> (count: Int32, problem: String?) {
        defer {
            unsetenv("LISTEN_PID")
            unsetenv("LISTEN_FDS")
            unsetenv("LISTEN_FDNAMES")
        }
        let variable = { (name: String) in getenv(name).map { String(cString: $0) } }
        let (count, problem) = passedCount(pid: variable("LISTEN_PID"), fds: variable("LISTEN_FDS"), ourPID: getpid())
        guard problem == nil, count > 0 else { return (count, problem) }
        for fd in firstDescriptor..<(firstDescriptor + count) {
            let flags = fcntl(fd, F_GETFD)
            guard flags >= 0, fcntl(fd, F_SETFD, flags | FD_CLOEXEC) == 0 else {
                return (0, "descriptor \(fd) of LISTEN_FDS=\(count) is not open")
            }
        }
        return (count, nil)
    }

    /// What `LISTEN_PID` and `LISTEN_FDS` say: the count when they are meant for us.
    static func passedCount(pid: String?, fds: String?, ourPID: Int32) -> (count: Int32, problem: String?) {
        guard let pid else { return (0, nil) }
        guard let owner = Int32(pid), owner > 0 else { return (0, "LISTEN_PID is malformed (\(pid.prefix(20)))") }
        guard owner == ourPID else { return (0, nil) }
        guard let fds, let count = Int32(fds), count >= 0, count <= 1024 else {
            return (0, "LISTEN_FDS is malformed (\((fds ?? "missing").prefix(20)))")
        }
        return (count, nil)
    }

    /// sd_is_socket_unix(fd, SOCK_STREAM, listening: 1, nil, 0).
    static func isListeningUnixStream(_ fd: Int32) -> Bool {
        var info = deviceauth_file_status()
        guard deviceauth_fd_status(fd, &info) == 0, mode_t(info.mode) & S_IFMT == S_IFSOCK else { return false }
        func option(_ name: Int32) -> Int32? {
            var value: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            return getsockopt(fd, SOL_SOCKET, name, &value, &length) == 0 ? value : nil
        }
        guard option(SO_TYPE) == Int32(SOCK_STREAM.rawValue), option(SO_ACCEPTCONN) == 1 else { return false }
        var address = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return named == 0 && Int32(address.ss_family) == AF_UNIX
    }

    /// The file a Unix socket is bound to, if any.
    static func path(of fd: Int32) -> String? {
        var address = sockaddr_un()
        var length = socklen_t(MemoryLayout<sockaddr_un>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { return nil }
        let path = withUnsafeBytes(of: address.sun_path) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        return path.isEmpty ? nil : path
    }
}

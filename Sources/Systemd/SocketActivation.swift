import CSystemd
#if canImport(Glibc)
import Glibc
#endif

/// Sockets systemd opened for us (`deviceauthd.socket`), from `LISTEN_FDS`.
public enum SocketActivation {
    public enum Inherited: Equatable, Sendable {
        /// systemd passed nothing: the daemon binds its own socket.
        case none
        /// A listening Unix stream socket (its path, as systemd bound it).
        case listening(fd: Int32, path: String?)
        /// Something the daemon cannot serve on; the words say what.
        case unusable(String)
    }

    /// Takes what systemd passed and clears `LISTEN_*`, so nothing we start inherits it.
    public static func take() -> Inherited {
        let count = sd_listen_fds(1)
        guard count > 0 else { return count < 0 ? .unusable("LISTEN_FDS is malformed (\(-count))") : .none }
        let fd = SD_LISTEN_FDS_START
        for extra in 1..<Int(count) { close(fd + Int32(extra)) }
        guard count == 1 else { return .unusable("systemd passed \(count) sockets; the control socket is one ListenStream=") }
        guard sd_is_socket_unix(fd, Int32(SOCK_STREAM.rawValue), 1, nil, 0) > 0 else {
            return .unusable("the socket systemd passed is not a listening Unix stream socket (ListenStream=/run/…/control.sock)")
        }
        return .listening(fd: fd, path: path(of: fd))
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

// SPDX-License-Identifier: Apache-2.0
import AccessPolicy
import CLinux
import CMicroHTTPD
import CurlHTTP
import Logging
import OAuthProvider
import Synchronization
import Threads
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The local API forwarder: a Unix socket speaking HTTP/1.1 (libmicrohttpd's parsing,
/// never ours) whose requests go to the provider's API origin, and only there, with
/// the current access token added. Who may use it is AccessPolicy's: token readers and
/// administrators (`Use.readToken`), from the kernel's word about the peer.
public final class ForwarderServer: @unchecked Sendable {
    let settings: ForwarderSettings
    let tokens: any ForwarderTokens
    let authorizer: SharedAuthorizer
    let logger: Logger
    let refusals = RefusalLog()
    public let metrics: ForwarderMetrics
    /// The upstream origin, split (`URLOrigin`), and the authorities a request may name.
    let upstream: URLOrigin
    let acceptedAuthorities: Set<String>
    /// The library's daemon while serving (its pointer is used under the lock only).
    private struct Running: @unchecked Sendable { let daemon: OpaquePointer }
    private let daemon = Mutex<Running?>(nil)
    /// Requests admitted and not yet completed, by uid.
    private let perUID = Mutex<[UInt32: Int]>([:])
    /// Transfers side by side leave glibc's heap grown by their rings and libcurl's buffers,
    /// kept for reuse: given back once a burst of four or more is over (a lone client
    /// never triggers it).
    private let trimmer = HeapTrimmer(worthwhilePeak: 4, trim: { deviceauth_trim_heap() })

    public init?(settings: ForwarderSettings, tokens: any ForwarderTokens, authorizer: SharedAuthorizer, metrics: ForwarderMetrics = ForwarderMetrics(),
                 logger: Logger) {
        guard let upstream = URLOrigin(settings.upstream) else { return nil }
        self.metrics = metrics
        self.settings = settings
        self.tokens = tokens
        self.authorizer = authorizer
        self.logger = logger
        self.upstream = upstream
        // The provider by its own name, or by the neutral one the docs use (`http://provider/…`).
        acceptedAuthorities = ForwarderRouting.acceptedAuthorities(of: upstream)
    }

    /// Serves on `listenFD` (bound and listening) until `stop()`; false when the library refused.
    public func start(listenFD: Int32) -> Bool {
        let context = Unmanaged.passUnretained(self).toOpaque()
        guard let started = deviceauth_mhd_start(listenFD, UInt32(settings.maxConnections), UInt32(settings.idleSeconds), settings.maxHeaderBytes,
                                                 Self.accessHandler, context, Self.completedHandler, Self.uriHandler, context)
        else { return false }
        daemon.withLock { $0 = Running(daemon: started) }
        return true
    }

    /// Stops listening and ends every connection (transfers still running are cancelled).
    public func stop() {
        guard let running = daemon.withLock({ state -> Running? in defer { state = nil }; return state }) else { return }
        MHD_stop_daemon(running.daemon)
    }

    // MARK: - Admission

    /// Counts the request against its uid; nil when that uid has too many at once.
    func admit(uid: UInt32, role: PeerRole) -> Bool {
        let active = perUID.withLock { counts -> Int? in
            if role < .administrator && counts[uid, default: 0] >= ForwarderSettings.maxConnectionsPerUID { return nil }
            counts[uid, default: 0] += 1
            return counts.values.reduce(0, +)
        }
        guard let active else { return false }
        trimmer.rose(to: active)
        return true
    }

    func release(uid: UInt32) {
        let active = perUID.withLock { counts in
            counts[uid, default: 1] -= 1
            if counts[uid] == 0 { counts[uid] = nil }
            return counts.values.reduce(0, +)
        }
        trimmer.fell(to: active) { [self] in perUID.withLock { $0.values.reduce(0, +) } }
    }

    // MARK: - libmicrohttpd's callbacks

    static let uriHandler: deviceauth_mhd_uri_callback = { _, uri, _ in
        Unmanaged.passRetained(ForwardedRequest(target: uri.map { String(cString: $0) } ?? "")).toOpaque()
    }

    static let completedHandler: MHD_RequestCompletedCallback = { context, _, requestContext, _ in
        guard let context, let requestContext, let pointer = requestContext.pointee else { return }
        let server = Unmanaged<ForwarderServer>.fromOpaque(context).takeUnretainedValue()
        let request = Unmanaged<ForwardedRequest>.fromOpaque(pointer).takeRetainedValue()
        requestContext.pointee = nil
        request.finish()
        server.completed(request)
    }

    static let accessHandler: MHD_AccessHandlerCallback = { context, connection, _, method, _, uploadData, uploadSize, requestContext in
        guard let context, let connection, let requestContext, let pointer = requestContext.pointee, let uploadSize else { return .NO }
        let server = Unmanaged<ForwarderServer>.fromOpaque(context).takeUnretainedValue()
        let request = Unmanaged<ForwardedRequest>.fromOpaque(pointer).takeUnretainedValue()
        return server.handle(request, connection: connection, method: method.map { String(cString: $0) } ?? "",
                             upload: uploadData.map { UnsafeRawBufferPointer(start: $0, count: uploadSize.pointee) }, uploadSize: uploadSize)
    }
}

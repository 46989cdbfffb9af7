// SPDX-License-Identifier: Apache-2.0
import CCurl
import OAuthProvider
import Threads

/// One request passed on as it comes and goes (the API forwarder's): its body read
/// from the caller while it is sent, the answer's status and headers handed over as
/// soon as they are known, its body handed on as it arrives. Nothing is collected:
/// a 100 MB upload or download holds a few buffers of memory, not 100 MB. The
/// network settings (proxy, CAFile=, TLS 1.2) are every other request's.
public final class CurlStream: Sendable {
    /// The answer's status line and headers (those of the final answer, after any 1xx).
    public struct Head: Sendable {
        public let status: Int
        public let headers: [(String, String)]
    }

    public enum Body: Sendable {
        case none
        /// Held whole (it may have to be sent twice).
        case bytes([UInt8])
        /// Read as it is sent: `read` fills the buffer and answers the count, 0 at the end,
        /// nil to abort; `length` when the caller said it (Content-Length), else chunked.
        case stream(length: Int64?, read: @Sendable (UnsafeMutableRawBufferPointer) -> Int?)
    }

    /// Who hears of the answer, on the transfer's thread. `head` and `body` answer false
    /// to abort the transfer (the caller went away).
    public protocol Sink: AnyObject, Sendable {
        func head(_ head: Head) -> Bool
        func body(_ bytes: UnsafeRawBufferPointer) -> Bool
        /// The end: nil when the answer came whole, else why not.
        func end(_ fault: NetworkFault?)
    }

    public struct Request: Sendable {
        public var method: String
        public var url: String
        public var headers: [(String, String)]
        public var body: Body

        public init(method: String, url: String, headers: [(String, String)], body: Body) {
            self.method = method
            self.url = url
            self.headers = headers
            self.body = body
        }
    }

    private let exchange: CurlExchange<CurlStreamJob>

    /// - Parameters:
    ///   - stallSeconds: a transfer in which nothing moves for this long is given up on.
    ///   - timeoutSeconds: the whole exchange; 0 for none (a long upload).
    public init(_ request: Request, network: CurlTransport.Network, stallSeconds: Int, timeoutSeconds: Int, maxHeaderBytes: Int = 32 * 1024,
                sink: any Sink) {
        CurlTransport.initializeOnce()
        var limits = CurlTransport.Limits()
        limits.timeoutMilliseconds = timeoutSeconds * 1000
        limits.stallSeconds = stallSeconds
        limits.maxHeaderBytes = maxHeaderBytes
        exchange = CurlExchange(CurlStreamJob(request: request, network: network, limits: limits, sink: sink))
    }

    /// Runs the transfer on a thread of its own; false when no thread could be had.
    public func start() -> Bool {
        let exchange = exchange
        return startDetachedThread { exchange.transferOnThisThread() }
    }

    /// Ends the transfer at once (the caller went away); the sink hears `end` with a fault.
    public func cancel() { exchange.cancel() }
}

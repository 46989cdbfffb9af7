// SPDX-License-Identifier: Apache-2.0
import CurlHTTP
import OAuthProvider
import Threads

/// One try of a request at the provider: the answer's head, awaited by the connection's
/// thread, and its body handed to the client through a pipe as libcurl delivers it.
final class UpstreamAttempt: CurlStream.Sink, @unchecked Sendable {
    let pipe: BytePipe
    private let lock = ConditionLock()
    private var receivedHead: CurlStream.Head?
    private var ended: NetworkFault??
    /// Set when the head is all this attempt may deliver (a 401 that will be retried).
    private var stopAtHead = false
    /// The transfer while it runs. It holds this attempt as its sink, so it is let go at
    /// the end: kept, the two held each other, and every request leaked its attempt and
    /// rings (found by measuring: 9 MiB more per 1,600 requests from 8 clients).
    private var transfer: CurlStream?

    init(pipeBytes: Int) { pipe = BytePipe(capacity: pipeBytes) }

    enum Outcome {
        case head(CurlStream.Head)
        case failed(NetworkFault)
    }

    /// Waits for the head (or the end without one), at most `seconds`.
    func awaitHead(seconds: Double, stopIfUnauthorized: Bool) -> Outcome {
        lock.locked {
            stopAtHead = stopIfUnauthorized
            while receivedHead == nil && ended == nil {
                if !lock.wait(seconds: seconds) { return .failed(NetworkFault(.connection, "the provider sent no answer within \(Int(seconds)) s")) }
            }
            if let receivedHead { return .head(receivedHead) }
            return .failed((ended ?? nil) ?? NetworkFault(.other, "the answer ended before its headers"))
        }
    }

    func head(_ head: CurlStream.Head) -> Bool {
        lock.locked {
            receivedHead = head
            lock.broadcast()
            // A 401 to be retried: its body is of no use, and the transfer ends here.
            return !(stopAtHead && head.status == 401)
        }
    }

    func body(_ bytes: UnsafeRawBufferPointer) -> Bool { pipe.write(bytes, seconds: 300) }

    func end(_ fault: NetworkFault?) {
        if fault == nil { pipe.finish() } else { pipe.fail() }
        lock.locked {
            ended = .some(fault)
            transfer = nil
            lock.broadcast()
        }
    }

    /// Starts `stream` (whose sink this attempt is); false when it could not start.
    func start(_ stream: CurlStream) -> Bool {
        lock.locked { transfer = stream }
        guard stream.start() else {
            lock.locked { transfer = nil }
            return false
        }
        return true
    }

    /// The client went away, or the attempt is abandoned: the transfer stops.
    func abandon() {
        pipe.close()
        lock.locked { transfer }?.cancel()
    }
}

// SPDX-License-Identifier: Apache-2.0
import AccessPolicy
import CurlHTTP
import OAuthProvider
import Threads

/// One request through the forwarder, from its target as sent to its completion. Its
/// phases run on the connection's thread (libmicrohttpd's thread per connection); the
/// transfer to the provider on a thread of its own.
final class ForwardedRequest: @unchecked Sendable {
    /// The request-target as the client sent it (origin form `/path?query`, or absolute form).
    let target: String
    let started = ContinuousClock.now
    var peer: PeerCredentials?
    /// Set once the request is admitted (counted against its uid until it completes).
    var admittedUID: UInt32?
    var method = ""
    var upstreamURL = ""
    var headers: [(String, String)] = []
    var mode = ForwarderHeaders.Body.none
    /// A replayable body, held whole.
    var held: [UInt8] = []
    /// A streamed body, on its way to the provider while it arrives.
    var upload: BytePipe?
    var attempt: UpstreamAttempt?
    var status = 0
    /// Whether a 401 cost a refresh.
    var refreshed = false

    init(target: String) { self.target = target }

    /// Whether the request has run longer than `seconds` (its connection is then closed).
    func overdue(_ seconds: Int) -> Bool { ContinuousClock.now - started > .seconds(seconds) }

    /// The transfer is dropped when the client is gone (completion), whatever its state.
    func finish() {
        upload?.fail()
        attempt?.abandon()
    }
}

// SPDX-License-Identifier: Apache-2.0
import Threads
import CCurl
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// What one libcurl transfer is: how its handle is set, and what its end means.
/// An HTTP request (`CurlHTTPJob`) and the doctor's connection probes (`CurlProbeJob`)
/// share the thread, the cancellation and the network settings; only this differs.
protocol CurlJob: Sendable {
    associatedtype Output: Sendable
    /// Sets the handle; false when libcurl refused an option.
    func configure(_ easy: UnsafeMutableRawPointer, errorBuffer: UnsafeMutablePointer<CChar>) -> Bool
    /// What the transfer's end means, read off the handle before it is cleaned up.
    func finish(_ easy: UnsafeMutableRawPointer, code: CURLcode, detail: String) -> Output
    /// The transfer could not start (no handle, no thread), or the caller gave up.
    func unfinished(_ why: String) -> Output
    /// Called once libcurl is done with the handle (a request body is overwritten then).
    func release()
}

/// One transfer, run by libcurl on a thread of its own (requests are rare: a
/// refresh every few hours, a poll every few seconds while pairing), so no
/// Swift concurrency thread ever blocks on the network. A multi handle lets
/// `cancel()` wake the transfer at once instead of at its next timeout.
final class CurlExchange<Job: CurlJob>: Sendable {
    private let job: Job
    /// The multi handle while the transfer runs (nil before and after), and whether
    /// the caller has given up; `cancel()` may come from any thread.
    private let shared = Mutex<(multi: UnsafeMutableRawPointer?, cancelled: Bool)>((nil, false))

    init(_ job: Job) { self.job = job }

    /// Runs the job; cancelling the calling task ends the transfer at once.
    func run() async -> Job.Output {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Job.Output, Never>) in
                guard startDetachedThread({ continuation.resume(returning: self.transferOnThisThread()) }) else {
                    return continuation.resume(returning: job.unfinished("cannot start a thread for the request"))
                }
            }
        } onCancel: {
            cancel()
        }
    }

    func cancel() {
        shared.withLock { state in
            state.cancelled = true
            if let multi = state.multi { curl_multi_wakeup(multi) }
        }
    }

    /// The whole transfer, on the caller's thread (a thread of its own: it waits on the network).
    func transferOnThisThread() -> Job.Output {
        guard let easy = curl_easy_init(), let multi = curl_multi_init() else {
            return job.unfinished("libcurl could not start a request")
        }
        defer {
            curl_multi_cleanup(multi)
            curl_easy_cleanup(easy)
            job.release()  // after libcurl is done with what the job lent it
        }
        var errorText = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let outcome: CURLcode = errorText.withUnsafeMutableBufferPointer { errorBuffer in
            guard job.configure(easy, errorBuffer: errorBuffer.baseAddress!) else { return CURLE_FAILED_INIT }
            guard curl_multi_add_handle(multi, easy) == CURLM_OK else { return CURLE_FAILED_INIT }
            defer { curl_multi_remove_handle(multi, easy) }
            return transfer(multi)
        }
        if outcome == CURLE_ABORTED_BY_CALLBACK { return job.unfinished("cancelled") }
        let detail = String(decoding: errorText.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return job.finish(easy, code: outcome, detail: detail)
    }

    /// Drives the transfer until it ends or the caller gives up.
    private func transfer(_ multi: UnsafeMutableRawPointer) -> CURLcode {
        let proceed = shared.withLock { state -> Bool in
            state.multi = multi
            return !state.cancelled
        }
        // Cleared before the handle goes away, so `cancel()` never wakes a freed handle.
        defer { shared.withLock { $0.multi = nil } }
        guard proceed else { return CURLE_ABORTED_BY_CALLBACK }
        var running: Int32 = 1
        while running > 0 {
            guard curl_multi_perform(multi, &running) == CURLM_OK else { return CURLE_FAILED_INIT }
            if running == 0 { break }
            // Sleeps until the socket moves, libcurl's own next deadline, or `cancel()`.
            _ = curl_multi_poll(multi, nil, 0, 1000, nil)
            if shared.withLock({ $0.cancelled }) { return CURLE_ABORTED_BY_CALLBACK }
        }
        var left: Int32 = 0
        while let message = curl_multi_info_read(multi, &left) {
            if message.pointee.msg == CURLMSG_DONE { return message.pointee.data.result }
        }
        return CURLE_FAILED_INIT
    }
}

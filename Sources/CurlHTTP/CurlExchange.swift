import Threads
import CCurl
import DeviceAuth
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// One request, run by libcurl on a thread of its own (requests are rare: a
/// refresh every few hours, a poll every few seconds while pairing), so no
/// Swift concurrency thread ever blocks on the network. A multi handle lets
/// `cancel()` wake the transfer at once instead of at its next timeout.
final class CurlExchange: Sendable {
    private let request: CurlRequest
    private let limits: CurlTransport.Limits
    private let network: CurlTransport.Network
    /// The URL asked (no secret in it), handed back with the answer.
    private let url: String
    /// The multi handle while the transfer runs (nil before and after), and whether
    /// the caller has given up; `cancel()` may come from any thread.
    private let shared = Mutex<(multi: UnsafeMutableRawPointer?, cancelled: Bool)>((nil, false))

    init(call: HTTPCall, limits: CurlTransport.Limits, network: CurlTransport.Network) {
        self.request = CurlRequest(call: call)
        url = call.url
        self.limits = limits
        self.network = network
    }

    func start(_ continuation: CheckedContinuation<Result<HTTPAnswer, OAuthFailure>, Never>) {
        guard startDetachedThread({ continuation.resume(returning: self.run()) }) else {
            return continuation.resume(returning: .failure(.network("cannot start a thread for the request")))
        }
    }

    func cancel() {
        shared.withLock { state in
            state.cancelled = true
            if let multi = state.multi { curl_multi_wakeup(multi) }
        }
    }

    /// The whole transfer, on the exchange's thread.
    private func run() -> Result<HTTPAnswer, OAuthFailure> {
        guard let easy = curl_easy_init(), let multi = curl_multi_init() else {
            return .failure(.network("libcurl could not start a request"))
        }
        let response = CurlResponse(maxBodyBytes: limits.maxBodyBytes, maxHeaderBytes: limits.maxHeaderBytes)
        defer {
            curl_multi_cleanup(multi)
            curl_easy_cleanup(easy)
            request.release()  // after libcurl is done with the body it points at
        }
        var errorText = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let outcome: CURLcode = errorText.withUnsafeMutableBufferPointer { errorBuffer in
            withExtendedLifetime(response) {
                guard request.configure(easy, limits: limits, network: network, response: response, errorBuffer: errorBuffer.baseAddress!) else {
                    return CURLE_FAILED_INIT
                }
                guard curl_multi_add_handle(multi, easy) == CURLM_OK else { return CURLE_FAILED_INIT }
                defer { curl_multi_remove_handle(multi, easy) }
                return transfer(multi)
            }
        }
        if outcome == CURLE_ABORTED_BY_CALLBACK { return .failure(.network("cancelled")) }
        if let overflow = response.overflow { return .failure(.malformed(overflow)) }
        guard outcome == CURLE_OK else {
            let detail = String(decoding: errorText.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if let proxy = network.proxy {
                var connectCode = 0
                _ = deviceauth_curl_connect_code(easy, &connectCode)
                if let words = Self.describeProxy(outcome, connectCode: connectCode, proxy: proxy, detail: detail) {
                    return .failure(.network(NetworkFault(.proxy, words)))
                }
            }
            var verifyResult = 0
            _ = deviceauth_curl_verify_result(easy, &verifyResult)
            return .failure(.network(Self.classify(outcome, verifyResult: verifyResult, detail: detail)))
        }
        var status = 0
        _ = deviceauth_curl_response_code(easy, &status)
        return .success(HTTPAnswer(status: status, headers: response.headers, body: response.body, url: url))
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

    /// A failure that is the proxy's, said so: with a proxy, every connection is to the
    /// proxy, and its answer to CONNECT says whether it would (or could) reach the provider.
    /// nil when the failure came after the tunnel was up (the provider's, or TLS's).
    static func describeProxy(_ code: CURLcode, connectCode: Int, proxy: String, detail: String) -> String? {
        switch (code, connectCode) {
        case (CURLE_COULDNT_RESOLVE_PROXY, _): return "the proxy \(proxy) cannot be resolved (\(detail.prefix(120)))"
        case (CURLE_COULDNT_CONNECT, _): return "the proxy \(proxy) is not answering (\(detail.prefix(120)))"
        case (_, 407): return "the proxy \(proxy) wants credentials, or refused them (407): check ProxyCredentialsFile="
        case (_, 403): return "the proxy \(proxy) refused to connect to the provider (403): ask its administrator to allow the provider's host"
        case (_, 500...599): return "the proxy \(proxy) could not reach the provider (\(connectCode))"
        case (_, 1...199), (_, 201...499): return "the proxy \(proxy) refused the connection (\(connectCode))"
        default: return nil
        }
    }

    /// What kind of fault a transfer that got no answer met, with libcurl's words (URLs
    /// carry no secrets here, so its detail, host and port, may be shown).
    /// `verifyResult` is OpenSSL's X509_V_ERR_* for a certificate that failed.
    static func classify(_ code: CURLcode, verifyResult: Int, detail: String) -> NetworkFault {
        let words = String((detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail).prefix(160))
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST: return NetworkFault(.dns, words)
        case CURLE_COULDNT_CONNECT: return NetworkFault(.connection, words)
        case CURLE_OPERATION_TIMEDOUT: return NetworkFault(.connection, "timed out")
        case CURLE_GOT_NOTHING, CURLE_RECV_ERROR, CURLE_PARTIAL_FILE, CURLE_SEND_ERROR:
            return NetworkFault(.other, "connection closed before the answer")
        case CURLE_PEER_FAILED_VERIFICATION:
            // libcurl checks the name itself (OpenSSL's chain verdict is then still "ok"):
            // its words are the only sign ("no alternative certificate subject name matches…").
            if words.contains("subject name") || words.contains("host name") { return NetworkFault(.tlsName, words) }
            switch verifyResult {
            // X509_V_ERR_CERT_NOT_YET_VALID, _CERT_HAS_EXPIRED (and their CRL twins): a date, which a clock can explain.
            case 9, 10, 11, 12: return NetworkFault(.tlsDates, words)
            // X509_V_ERR_HOSTNAME_MISMATCH, _IP_ADDRESS_MISMATCH.
            case 62, 64: return NetworkFault(.tlsName, words)
            default: return NetworkFault(.tlsUntrusted, words)
            }
        case CURLE_SSL_CONNECT_ERROR, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE:
            return NetworkFault(.tls, words)
        default: return NetworkFault(.other, words)
        }
    }
}

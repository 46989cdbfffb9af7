import CCurl
import DeviceAuth
#if canImport(Glibc)
import Glibc
#endif

/// An `HTTPCall` set on a libcurl easy handle. libcurl copies every string it
/// is given except the request body: that is copied at once into memory of our
/// own (so the caller's array is not shared and the caller can zero it in
/// place), held until `release()`, and then overwritten: it may carry a password.
final class CurlRequest: @unchecked Sendable {
    private let call: HTTPCall
    /// Always at least one byte, so that even an empty body points somewhere:
    /// a NULL would make libcurl read the body from standard input.
    private var body: UnsafeMutableRawBufferPointer?
    private let bodyCount: Int
    private let hasBody: Bool
    private var headerList: UnsafeMutablePointer<curl_slist>?

    init(call: HTTPCall) {
        var call = call
        let bytes = call.body ?? []
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 1)
        copy.initializeMemory(as: UInt8.self, repeating: 0)
        bytes.withUnsafeBytes { copy.copyMemory(from: $0) }
        body = copy
        bodyCount = bytes.count
        hasBody = call.body != nil
        call.body = nil
        self.call = call
    }

    deinit { release() }

    func configure(_ easy: UnsafeMutableRawPointer, limits: CurlTransport.Limits, network: CurlTransport.Network, response: CurlResponse,
                   errorBuffer: UnsafeMutablePointer<CChar>) -> Bool {
        var ok = true
        func set(_ option: CURLoption, _ value: Int) { ok = ok && deviceauth_curl_set_long(easy, option, value) == CURLE_OK }
        func set(_ option: CURLoption, _ value: String) { ok = ok && deviceauth_curl_set_string(easy, option, value) == CURLE_OK }

        set(CURLOPT_URL, call.url)
        set(CURLOPT_PROTOCOLS_STR, "http,https")
        set(CURLOPT_FOLLOWLOCATION, 0)
        // Only the configured proxy, never one from the environment (http_proxy, no_proxy…):
        // both options set, so libcurl reads neither variable.
        set(CURLOPT_PROXY, network.proxy ?? "")
        set(CURLOPT_NOPROXY, network.noProxy.joined(separator: ","))
        if network.proxy != nil {
            // CONNECT for every request: the proxy sees host names, never a token or a form.
            set(CURLOPT_PROXYTYPE, Int(CURLPROXY_HTTP.rawValue))
            set(CURLOPT_HTTPPROXYTUNNEL, 1)
            if let credentials = network.proxyCredentials {
                set(CURLOPT_PROXYUSERNAME, credentials.user)
                set(CURLOPT_PROXYPASSWORD, credentials.password)
            }
        }
        set(CURLOPT_NOSIGNAL, 1)  // threads: no SIGALRM for name look-ups
        set(CURLOPT_SSL_VERIFYPEER, 1)
        set(CURLOPT_SSL_VERIFYHOST, 2)
        // TLS 1.2 at least (RFC 8996 retired 1.0 and 1.1), set rather than left to the library's default.
        set(CURLOPT_SSLVERSION, CURL_SSLVERSION_TLSv1_2)
        if let caFile = network.caFile {
            // The bundle instead of the system's store: a private CA trusts only what it signed.
            set(CURLOPT_CAINFO, caFile)
            ok = ok && deviceauth_curl_set_pointer(easy, CURLOPT_CAPATH, nil) == CURLE_OK
        }
        set(CURLOPT_TIMEOUT_MS, limits.timeoutMilliseconds)
        set(CURLOPT_CONNECTTIMEOUT_MS, limits.connectTimeoutMilliseconds)
        set(CURLOPT_LOW_SPEED_LIMIT, 1)
        set(CURLOPT_LOW_SPEED_TIME, limits.stallSeconds)
        ok = ok && deviceauth_curl_set_pointer(easy, CURLOPT_ERRORBUFFER, errorBuffer) == CURLE_OK

        switch call.method {
        case "GET": set(CURLOPT_HTTPGET, 1)
        case "POST": setBody(easy, &ok)
        default:
            set(CURLOPT_CUSTOMREQUEST, call.method)
            if hasBody { setBody(easy, &ok) }
        }

        // "Expect:" off: a provider that does not know 100-continue would stall the request.
        for line in call.headers.map({ "\($0.0): \($0.1)" }) + ["Expect:"] {
            headerList = curl_slist_append(headerList, line)
        }
        ok = ok && deviceauth_curl_set_headers(easy, headerList) == CURLE_OK

        let context = Unmanaged.passUnretained(response).toOpaque()
        ok = ok && deviceauth_curl_set_callback(easy, CURLOPT_WRITEFUNCTION, CurlResponse.bodyCallback) == CURLE_OK
        ok = ok && deviceauth_curl_set_pointer(easy, CURLOPT_WRITEDATA, context) == CURLE_OK
        ok = ok && deviceauth_curl_set_callback(easy, CURLOPT_HEADERFUNCTION, CurlResponse.headerCallback) == CURLE_OK
        ok = ok && deviceauth_curl_set_pointer(easy, CURLOPT_HEADERDATA, context) == CURLE_OK
        return ok
    }

    /// The body as POST data: our copy, which outlives the transfer.
    private func setBody(_ easy: UnsafeMutableRawPointer, _ ok: inout Bool) {
        ok = ok && deviceauth_curl_set_long(easy, CURLOPT_POSTFIELDSIZE, bodyCount) == CURLE_OK
        ok = ok && deviceauth_curl_set_pointer(easy, CURLOPT_POSTFIELDS, body?.baseAddress) == CURLE_OK
    }

    /// Frees what libcurl pointed at; the body is overwritten first.
    func release() {
        if let body {
            if let address = body.baseAddress { explicit_bzero(address, body.count) }
            body.deallocate()
            self.body = nil
        }
        curl_slist_free_all(headerList)
        headerList = nil
    }
}

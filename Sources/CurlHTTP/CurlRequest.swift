// SPDX-License-Identifier: Apache-2.0
import CCurl
import OAuthProvider
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
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

        ok = network.configure(easy, limits: limits, errorBuffer: errorBuffer)
        set(CURLOPT_URL, call.url)

        switch call.method {
        case "GET": set(CURLOPT_HTTPGET, 1)
        // Headers only: without NOBODY libcurl would wait for a body a HEAD never has.
        case "HEAD": set(CURLOPT_NOBODY, 1)
        case "POST": setBody(easy, &ok)
        default:
            set(CURLOPT_CUSTOMREQUEST, call.method)
            if hasBody { setBody(easy, &ok) }
        }

        // "Expect:" off: a provider that does not know 100-continue would stall the request.
        ok = ok && Self.setAnswer(easy, headers: call.headers.map { "\($0.0): \($0.1)" } + ["Expect:"], list: &headerList,
                                  body: CurlResponse.bodyCallback, header: CurlResponse.headerCallback,
                                  context: Unmanaged.passUnretained(response).toOpaque())
        return ok
    }

    /// The request's header lines (kept in `list` until `release`), and who hears the answer's
    /// body and header lines, with `context` handed to both: every transfer sets these alike.
    static func setAnswer(_ easy: UnsafeMutableRawPointer, headers: [String], list: inout UnsafeMutablePointer<curl_slist>?,
                          body: deviceauth_curl_data_callback, header: deviceauth_curl_data_callback, context: UnsafeMutableRawPointer) -> Bool {
        for line in headers { list = curl_slist_append(list, line) }
        return deviceauth_curl_set_headers(easy, list) == CURLE_OK
            && deviceauth_curl_set_callback(easy, CURLOPT_WRITEFUNCTION, body) == CURLE_OK
            && deviceauth_curl_set_pointer(easy, CURLOPT_WRITEDATA, context) == CURLE_OK
            && deviceauth_curl_set_callback(easy, CURLOPT_HEADERFUNCTION, header) == CURLE_OK
            && deviceauth_curl_set_pointer(easy, CURLOPT_HEADERDATA, context) == CURLE_OK
    }

    /// The body as POST data: our copy, which outlives the transfer.
    private func setBody(_ easy: UnsafeMutableRawPointer, _ ok: inout Bool) {
        ok = ok && deviceauth_curl_set_long(easy, CURLOPT_POSTFIELDSIZE, bodyCount) == CURLE_OK
        ok = ok && deviceauth_curl_set_pointer(easy, CURLOPT_POSTFIELDS, body?.baseAddress) == CURLE_OK
    }

    /// Frees what libcurl pointed at; the body is overwritten first.
    func release() { Self.release(body: &body, headers: &headerList) }

    /// What a transfer lent libcurl, given back once it is done: a body (overwritten
    /// first: it may hold a password) and a header list.
    static func release(body: inout UnsafeMutableRawBufferPointer?, headers: inout UnsafeMutablePointer<curl_slist>?) {
        if let held = body {
            if let address = held.baseAddress { explicit_bzero(address, held.count) }
            held.deallocate()
            body = nil
        }
        curl_slist_free_all(headers)
        headers = nil
    }
}

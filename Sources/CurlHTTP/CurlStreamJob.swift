// SPDX-License-Identifier: Apache-2.0
import CCurl
import OAuthProvider
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `CurlStream`'s transfer: the request set on the handle with libcurl reading its body
/// through a callback, and the answer handed to the sink as it comes.
/// Unchecked: its state is touched by the exchange's thread only.
final class CurlStreamJob: CurlJob, @unchecked Sendable {
    let request: CurlStream.Request
    let network: CurlTransport.Network
    let limits: CurlTransport.Limits
    let sink: any CurlStream.Sink
    private var headerList: UnsafeMutablePointer<curl_slist>?
    /// `.bytes`' copy (at least one byte long, so that it points somewhere) and its length.
    private var held: UnsafeMutableRawBufferPointer?
    private var heldCount = 0
    private var sent = 0
    /// The answer being read: its status (once a status line came) and headers.
    private var status = 0
    private var headers: [(String, String)] = []
    private var headerBytes = 0
    private var headDelivered = false
    private(set) var overflow: String?

    init(request: CurlStream.Request, network: CurlTransport.Network, limits: CurlTransport.Limits, sink: any CurlStream.Sink) {
        self.request = request
        self.network = network
        self.limits = limits
        self.sink = sink
    }

    func configure(_ easy: UnsafeMutableRawPointer, errorBuffer: UnsafeMutablePointer<CChar>) -> Bool {
        var ok = network.configure(easy, limits: limits, errorBuffer: errorBuffer)
        func set(_ option: CURLoption, _ value: Int) { ok = ok && deviceauth_curl_set_long(easy, option, value) == CURLE_OK }
        func set(_ option: CURLoption, _ value: String) { ok = ok && deviceauth_curl_set_string(easy, option, value) == CURLE_OK }
        set(CURLOPT_URL, request.url)
        // The proxy's CONNECT answer is not the provider's: it never reaches the caller.
        set(CURLOPT_SUPPRESS_CONNECT_HEADERS, 1)
        var lines = request.headers.map { "\($0.0): \($0.1)" } + ["Expect:"]
        switch request.body {
        case .none:
            switch request.method {
            case "GET": set(CURLOPT_HTTPGET, 1)
            case "HEAD": set(CURLOPT_NOBODY, 1)
            default: set(CURLOPT_CUSTOMREQUEST, request.method)
            }
        case .bytes(let bytes):
            let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, bytes.count), alignment: 1)
            bytes.withUnsafeBytes { copy.copyMemory(from: $0) }
            held = copy
            heldCount = bytes.count
            set(CURLOPT_UPLOAD, 1)
            set(CURLOPT_INFILESIZE_LARGE, bytes.count)
            set(CURLOPT_CUSTOMREQUEST, request.method)
            ok = ok && setReader(easy)
        case .stream(let length, _):
            set(CURLOPT_UPLOAD, 1)
            set(CURLOPT_CUSTOMREQUEST, request.method)
            if let length { set(CURLOPT_INFILESIZE_LARGE, Int(length)) } else { lines.append("Transfer-Encoding: chunked") }
            ok = ok && setReader(easy)
        }
        ok = ok && CurlRequest.setAnswer(easy, headers: lines, list: &headerList, body: Self.bodyCallback, header: Self.headerCallback,
                                         context: Unmanaged.passUnretained(self).toOpaque())
        return ok
    }

    private func setReader(_ easy: UnsafeMutableRawPointer) -> Bool {
        deviceauth_curl_set_callback(easy, CURLOPT_READFUNCTION, Self.readCallback) == CURLE_OK
            && deviceauth_curl_set_pointer(easy, CURLOPT_READDATA, Unmanaged.passUnretained(self).toOpaque()) == CURLE_OK
    }

    /// What libcurl sends next of the body; CURL_READFUNC_ABORT when the caller's side failed.
    func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        switch request.body {
        case .none: return 0
        case .bytes:
            guard let held else { return 0 }
            let count = min(heldCount - sent, buffer.count)
            if count > 0 { buffer.baseAddress!.copyMemory(from: held.baseAddress! + sent, byteCount: count) }
            sent += count
            return count
        case .stream(_, let read):
            return read(buffer) ?? Int(CURL_READFUNC_ABORT)
        }
    }

    /// A status line starts a new answer (after a 100 Continue); an empty line ends its
    /// headers, and those of a final answer are handed over.
    func headerLine(_ bytes: UnsafeRawBufferPointer) -> Bool {
        headerBytes += bytes.count
        guard headerBytes <= limits.maxHeaderBytes else {
            overflow = "answer headers larger than \(limits.maxHeaderBytes / 1024) KiB"
            return false
        }
        let line = String(decoding: bytes, as: UTF8.self)
        if line.hasPrefix("HTTP/") {
            headers.removeAll()
            status = Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
        } else if line == "\r\n" || line == "\n" {
            guard status >= 200, !headDelivered else { return true }
            headDelivered = true
            return sink.head(CurlStream.Head(status: status, headers: headers))
        } else if let colon = line.firstIndex(of: ":") {
            let name = line[..<colon].trimmingSpaces(), value = line[line.index(after: colon)...].trimmingSpaces()
            if !name.isEmpty { headers.append((String(name), String(value))) }
        }
        return true
    }

    func finish(_ easy: UnsafeMutableRawPointer, code: CURLcode, detail: String) {
        if let overflow { return sink.end(NetworkFault(.other, overflow)) }
        guard code == CURLE_OK else { return sink.end(CurlFault.of(easy, code: code, detail: detail, proxy: network.proxy(forURL: request.url))) }
        if !headDelivered {
            // An answer without a body (a HEAD, a 204) may end before the empty line is seen.
            headDelivered = true
            guard sink.head(CurlStream.Head(status: status, headers: headers)) else { return sink.end(NetworkFault(.other, "cancelled")) }
        }
        sink.end(nil)
    }

    func unfinished(_ why: String) { sink.end(NetworkFault(.other, why)) }

    func release() { CurlRequest.release(body: &held, headers: &headerList) }

    static let bodyCallback: deviceauth_curl_data_callback = { data, size, count, context in
        guard let data, let context else { return 0 }
        let job = Unmanaged<CurlStreamJob>.fromOpaque(context).takeUnretainedValue()
        return job.sink.body(UnsafeRawBufferPointer(start: data, count: size * count)) ? size * count : 0
    }

    static let headerCallback: deviceauth_curl_data_callback = { data, size, count, context in
        guard let data, let context else { return 0 }
        let job = Unmanaged<CurlStreamJob>.fromOpaque(context).takeUnretainedValue()
        return job.headerLine(UnsafeRawBufferPointer(start: data, count: size * count)) ? size * count : 0
    }

    static let readCallback: deviceauth_curl_data_callback = { data, size, count, context in
        guard let data, let context else { return Int(CURL_READFUNC_ABORT) }
        let job = Unmanaged<CurlStreamJob>.fromOpaque(context).takeUnretainedValue()
        return job.read(into: UnsafeMutableRawBufferPointer(start: data, count: size * count))
    }
}

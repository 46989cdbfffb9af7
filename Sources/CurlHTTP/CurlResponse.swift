// SPDX-License-Identifier: Apache-2.0
import CCurl

/// What libcurl hands us of one answer, collected under caps. libcurl calls
/// these from the exchange's own thread only.
final class CurlResponse {
    let maxBodyBytes: Int
    let maxHeaderBytes: Int
    private(set) var body: [UInt8] = []
    private(set) var headers: [(String, String)] = []
    private var headerBytes = 0
    /// Set when a cap stopped the transfer, so the error says why.
    private(set) var overflow: String?

    init(maxBodyBytes: Int, maxHeaderBytes: Int) {
        self.maxBodyBytes = maxBodyBytes
        self.maxHeaderBytes = maxHeaderBytes
    }

    /// Returning less than `length` makes libcurl stop with CURLE_WRITE_ERROR.
    func appendBody(_ bytes: UnsafeRawBufferPointer) -> Int {
        guard body.count + bytes.count <= maxBodyBytes else {
            overflow = "answer larger than \(maxBodyBytes / 1024) KiB"
            return 0
        }
        body.append(contentsOf: bytes)
        return bytes.count
    }

    /// One header line (with its CRLF), or a status line that starts the headers of a
    /// new answer (after a 100 Continue): those of the last answer are the ones kept.
    func appendHeaderLine(_ bytes: UnsafeRawBufferPointer) -> Int {
        headerBytes += bytes.count
        guard headerBytes <= maxHeaderBytes else {
            overflow = "answer headers larger than \(maxHeaderBytes / 1024) KiB"
            return 0
        }
        let line = String(decoding: bytes, as: UTF8.self)
        if line.hasPrefix("HTTP/") {
            headers.removeAll()
        } else if let colon = line.firstIndex(of: ":") {
            let name = line[..<colon].trimmingSpaces()
            let value = line[line.index(after: colon)...].trimmingSpaces()
            if !name.isEmpty { headers.append((String(name), String(value))) }
        }
        return bytes.count
    }

    /// The C callbacks libcurl calls; `context` is this object, unretained.
    static let bodyCallback: deviceauth_curl_data_callback = { data, size, count, context in
        guard let data, let context else { return 0 }
        let response = Unmanaged<CurlResponse>.fromOpaque(context).takeUnretainedValue()
        return response.appendBody(UnsafeRawBufferPointer(start: data, count: size * count)) == size * count ? size * count : 0
    }

    static let headerCallback: deviceauth_curl_data_callback = { data, size, count, context in
        guard let data, let context else { return 0 }
        let response = Unmanaged<CurlResponse>.fromOpaque(context).takeUnretainedValue()
        return response.appendHeaderLine(UnsafeRawBufferPointer(start: data, count: size * count)) == size * count ? size * count : 0
    }
}

extension Substring {
    /// Without the spaces, tabs and line ends around it.
    func trimmingSpaces() -> Substring {
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }
        guard let first = firstIndex(where: { !blank($0) }), let last = lastIndex(where: { !blank($0) }) else { return "" }
        return self[first...last]
    }
}

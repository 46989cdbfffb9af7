// SPDX-License-Identifier: Apache-2.0
/// Parses the form bodies the auth endpoints accept: `application/x-www-form-urlencoded`
/// and `multipart/form-data`, the two encodings Frame.io's reference allows.
///
/// It is strict where a real server is: a JSON body, an unknown content type,
/// a malformed encoding or a repeated parameter (RFC 6749 §3.2) is an error.
enum FormBody {
    enum Failure: Error, Equatable {
        case missingContentType
        case jsonBody
        case unsupportedContentType(String)
        case malformed(String)
        case repeatedParameter(String)
    }

    static func parse(contentType: String?, body: [UInt8]) throws(Failure) -> [String: String] {
        guard let contentType else { throw .missingContentType }
        let parts = contentType.split(separator: ";", omittingEmptySubsequences: false)
        let mediaType = parts[0].trimmingSpaces().lowercased()
        if mediaType == "application/json" || mediaType.hasSuffix("+json") { throw .jsonBody }
        switch mediaType {
        case "application/x-www-form-urlencoded":
            return try urlEncoded(body)
        case "multipart/form-data":
            let boundary = parts.dropFirst().lazy.compactMap(parameter(named: "boundary")).first
            guard let boundary, !boundary.isEmpty else { throw .malformed("multipart body without a boundary") }
            return try multipart(body, boundary: boundary)
        default:
            throw .unsupportedContentType(mediaType)
        }
    }

    // MARK: urlencoded

    static func urlEncoded(_ body: [UInt8]) throws(Failure) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in body.split(separator: UInt8(ascii: "&")) {
            let halves = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            let name = try percentDecoded(halves[0])
            let value = halves.count > 1 ? try percentDecoded(halves[1]) : ""
            try insert(name, value, into: &fields)
        }
        return fields
    }

    static func percentDecoded(_ bytes: ArraySlice<UInt8>) throws(Failure) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let byte = bytes[i]
            if byte == UInt8(ascii: "+") {
                out.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%") {
                guard i + 2 < bytes.endIndex,
                      let high = hexValue(bytes[i + 1]), let low = hexValue(bytes[i + 2])
                else { throw .malformed("bad percent-encoding") }
                out.append(high << 4 | low)
                i += 2
            } else {
                out.append(byte)
            }
            i += 1
        }
        guard let text = String(validating: out, as: UTF8.self) else { throw .malformed("not UTF-8") }
        return text
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    // MARK: multipart (RFC 7578)

    static func multipart(_ body: [UInt8], boundary: String) throws(Failure) -> [String: String] {
        let delimiter = Array("--\(boundary)".utf8)
        let crlf: [UInt8] = [13, 10]
        guard var cursor = body.firstRange(of: delimiter)?.upperBound else {
            throw .malformed("multipart body without its boundary")
        }
        var fields: [String: String] = [:]
        while true {
            // After a delimiter: "--" closes the body, CRLF opens a part.
            if body[cursor...].starts(with: [45, 45]) { return fields }
            guard body[cursor...].starts(with: crlf) else { throw .malformed("bad multipart delimiter line") }
            cursor += 2
            guard let headerEnd = body[cursor...].firstRange(of: crlf + crlf) else {
                throw .malformed("multipart part without a header end")
            }
            let headers = String(decoding: body[cursor..<headerEnd.lowerBound], as: UTF8.self)
            let contentStart = headerEnd.upperBound
            guard let next = body[contentStart...].firstRange(of: crlf + delimiter) else {
                throw .malformed("multipart body is not closed")
            }
            guard let name = partName(headers) else { throw .malformed("multipart part without a name") }
            guard let value = String(validating: body[contentStart..<next.lowerBound], as: UTF8.self) else {
                throw .malformed("not UTF-8")
            }
            try insert(name, value, into: &fields)
            cursor = next.upperBound
        }
    }

    /// `name` of a part's `Content-Disposition: form-data; name="…"` header.
    private static func partName(_ headers: String) -> String? {
        for line in headers.split(separator: "\r\n") {
            let header = line.split(separator: ":", maxSplits: 1)
            guard header.count == 2, header[0].trimmingSpaces().lowercased() == "content-disposition" else { continue }
            let params = header[1].split(separator: ";")
            guard params.first?.trimmingSpaces().lowercased() == "form-data" else { return nil }
            return params.dropFirst().lazy.compactMap(parameter(named: "name")).first
        }
        return nil
    }

    // MARK: shared

    /// A `key=value` or `key="value"` parameter of a header, when its key is `key`.
    private static func parameter(named key: String) -> (Substring) -> String? {
        { parameter in
            let pair = parameter.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingSpaces().lowercased() == key else { return nil }
            var value = pair[1].trimmingSpaces()
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            return value
        }
    }

    private static func insert(_ name: String, _ value: String, into fields: inout [String: String]) throws(Failure) {
        guard fields[name] == nil else { throw .repeatedParameter(name) }
        fields[name] = value
    }
}

extension StringProtocol {
    func trimmingSpaces() -> String {
        String(self.drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }
}

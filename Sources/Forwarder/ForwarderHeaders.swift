// SPDX-License-Identifier: Apache-2.0

/// The one reading of a forwarded request's headers (bytes a local program chose, as
/// libmicrohttpd split them) and of the provider's answer's: what passes on, and how the
/// body is framed. Fuzzed (`forwarder_headers`).
public enum ForwarderHeaders {
    /// Headers that belong to one hop, never passed on either way (RFC 9110 §7.6.1), and
    /// those the forwarder sets itself: `Authorization` is the camera's token, `Host` and
    /// `Content-Length` are libcurl's for the upstream.
    public static let ownedByTheHop: Set<String> = ["connection", "keep-alive", "proxy-authorization", "proxy-authenticate", "proxy-connection",
                                             "te", "trailer", "transfer-encoding", "upgrade", "host", "authorization", "content-length", "expect"]

    /// How the request's body comes.
    public enum Body: Equatable, Sendable {
        case none
        /// Small enough to hold whole, and so to send again after a 401.
        case held(length: Int)
        /// Passed on while it arrives; its length when the client said one.
        case streamed(length: Int64?)
    }

    public struct Plan: Sendable {
        /// The headers for the provider, in the client's order (the client's Authorization gone).
        public var forwarded: [(name: String, value: String)]
        public var body: Body
    }

    /// Why a request is refused before it is sent anywhere (400).
    public struct Refusal: Error, Equatable, Sendable {
        public let message: String
    }

    /// The plan for a request with these headers; bodies up to `replayable` bytes are held.
    public static func plan(_ headers: [(name: String, value: String)], replayable: Int) throws(Refusal) -> Plan {
        var lengths: [Int64] = []
        var codings: [String]?
        for (name, value) in headers {
            guard isToken(name) else { throw Refusal(message: "a header name that is not a token (RFC 9110 §5.1)") }
            guard isFieldValue(value) else { throw Refusal(message: "the value of \(name) holds a control character") }
            switch name.lowercased() {
            case "content-length":
                // RFC 9112 §6.3: digits alone; several must agree (a list of one value repeated).
                for part in value.split(separator: ",", omittingEmptySubsequences: false) {
                    let digits = part.trimmingSpaces
                    guard !digits.isEmpty, digits.utf8.count <= 18, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let length = Int64(digits)
                    else { throw Refusal(message: "Content-Length is not a length: \(value.prefix(40))") }
                    lengths.append(length)
                }
            case "transfer-encoding":
                codings = (codings ?? []) + value.split(separator: ",").map { $0.trimmingSpaces.lowercased() }.filter { !$0.isEmpty }
            default:
                break
            }
        }
        guard Set(lengths).count <= 1 else { throw Refusal(message: "Content-Length says different lengths") }
        let body: Body
        if let codings {
            // RFC 9112 §6.3: a coding that does not end in chunked (or none at all) has no length to read by: 400.
            guard codings.last == "chunked" else {
                throw Refusal(message: "Transfer-Encoding must end in chunked, not \(codings.isEmpty ? "nothing" : codings.joined(separator: ", ").prefix(40))")
            }
            body = .streamed(length: nil)
        } else if let length = lengths.first, length > 0 {
            body = length <= Int64(replayable) ? .held(length: Int(length)) : .streamed(length: length)
        } else {
            body = .none
        }
        let named = connectionOptions(headers)
        let forwarded = headers.filter { passes($0.name, named) }
        return Plan(forwarded: forwarded, body: body)
    }

    /// The provider's answer's headers to hand the client: the hop's own left out, and any
    /// that could not be written as one header line.
    public static func answer(_ headers: [(String, String)]) -> [(String, String)] {
        let named = connectionOptions(headers.map { (name: $0.0, value: $0.1) })
        return headers.filter { passes($0.0, named) && isToken($0.0) && isFieldValue($0.1) }
    }

    private static func passes(_ name: String, _ connectionOptions: Set<String>) -> Bool {
        let lowered = name.lowercased()
        return !ownedByTheHop.contains(lowered) && !connectionOptions.contains(lowered)
    }

    /// The headers `Connection:` names as the hop's own (RFC 9110 §7.6.1), lowercased.
    private static func connectionOptions(_ headers: [(name: String, value: String)]) -> Set<String> {
        Set(headers.filter { $0.name.lowercased() == "connection" }
            .flatMap { $0.value.split(separator: ",").map { $0.trimmingSpaces.lowercased() } })
    }

    /// RFC 9110 §5.6.2 `token`.
    public static func isToken(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }

    /// RFC 9110 §5.5: no CR, LF, NUL or other control character but the tab.
    public static func isFieldValue(_ value: String) -> Bool {
        value.utf8.allSatisfy { $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7F) }
    }
}

private extension Substring {
    var trimmingSpaces: String { String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed()) }
}

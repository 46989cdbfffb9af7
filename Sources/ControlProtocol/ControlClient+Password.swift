// SPDX-License-Identifier: Apache-2.0
/// Sending a password without leaving copies of it: no `String` (whose storage
/// cannot be wiped) and no JSON text that outlives the write. The request is
/// encoded without the password; the password's bytes are escaped straight into
/// one buffer reserved large enough never to move, which is zeroed after the write.
extension ControlClient {
    public func send(_ request: ControlRequest, password: inout [UInt8]) throws(Failure) {
        var head = request
        head.password = nil
        var encoded = ControlJSON.encode(head)
        // `{…}\n` → `{…,"password":"…"}\n`
        guard encoded.count >= 3, encoded[encoded.count - 2] == UInt8(ascii: "}") else { throw .badReply("cannot encode the request") }
        encoded.removeLast(2)
        var line: [UInt8] = []
        line.reserveCapacity(encoded.count + 16 + password.count * 6)
        line += encoded
        line += Array(#","password":""#.utf8)
        Self.appendEscaped(password, to: &line)
        line += Array(#""}"#.utf8) + [UInt8(ascii: "\n")]
        defer { _ = line.withUnsafeMutableBytes { $0.initializeMemory(as: UInt8.self, repeating: 0) } }
        try sendRaw(line)
    }

    /// RFC 8259 string escaping of raw UTF-8 bytes: quote, backslash and controls escaped.
    static func appendEscaped(_ bytes: [UInt8], to line: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                line.append(UInt8(ascii: "\\"))
                line.append(byte)
            case 0..<0x20, 0x7F:
                line += [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default:
                line.append(byte)
            }
        }
    }
}

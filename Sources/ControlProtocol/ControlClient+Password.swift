// SPDX-License-Identifier: Apache-2.0
import JSONCoding

/// Sending a password without leaving copies of it: no `String` (whose storage
/// cannot be wiped) and no JSON text that outlives the write. The request is
/// encoded without the password; the password's bytes are escaped straight into
/// one buffer reserved large enough never to move, which is zeroed after the write.
extension ControlClient {
    public func sendPasswordLogin(username: String, password: inout [UInt8], id: Int? = nil) throws(Failure) {
        var encoded = ControlJSON.encode(Head(id: id, method: LoginPasswordMethod.name, username: username))
        // `{…}\n` → `{…,"password":"…"}\n`
        guard encoded.count >= 3, encoded[encoded.count - 2] == UInt8(ascii: "}") else { throw .badReply("cannot encode the request") }
        encoded.removeLast(2)
        var line: [UInt8] = []
        line.reserveCapacity(encoded.count + 16 + password.count * 6)
        line += encoded
        line += Array(#","password":""#.utf8)
        JSONWriter.appendEscaped(utf8: password, into: &line)
        line += Array(#""}"#.utf8) + [UInt8(ascii: "\n")]
        defer { _ = line.withUnsafeMutableBytes { $0.initializeMemory(as: UInt8.self, repeating: 0) } }
        try sendRaw(line)
    }

    /// `login_password`'s request without its password.
    private struct Head: Encodable {
        let id: Int?
        let method: String
        let username: String
    }
}

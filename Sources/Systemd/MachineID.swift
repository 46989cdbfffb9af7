// SPDX-License-Identifier: Apache-2.0
import Primitives
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A stable per-device identifier derived from /etc/machine-id, as systemd
/// recommends (sd_id128_get_machine_app_specific(3), computed the same way
/// here: HMAC-SHA256 keyed with the machine id over our application id, cut to
/// 128 bits and marked as a version 4 UUID): unique per device, the same across
/// reboots, and it does not reveal the machine id itself.
public enum MachineID {
    /// Our application id; changing it would re-identify every camera.
    static let applicationID: [UInt8] = [0x6d, 0x2c, 0x1f, 0x8a, 0x93, 0x4e, 0x4b, 0x17,
                                         0xa5, 0x0c, 0x3d, 0x72, 0xe1, 0x58, 0x9b, 0x46]

    /// 32 lowercase hex digits, or an error naming the cause (no /etc/machine-id, …).
    public static func applicationSpecific(machineIDFile: String = "/etc/machine-id") throws(MachineIDError) -> String {
        var id = Array(SHA256.hmac(key: try read(machineIDFile), applicationID).prefix(16))
        id[6] = id[6] & 0x0F | 0x40  // version 4
        id[8] = id[8] & 0x3F | 0x80  // RFC 4122 variant
        return Hex.encode(id)
    }

    /// The 128-bit id in a file of 32 hex digits (or a UUID with dashes), as systemd writes it.
    static func read(_ path: String) throws(MachineIDError) -> [UInt8] {
        let text: String
        do { text = try SystemFiles.readText(path, limit: 4096) } catch { throw MachineIDError(code: access(path, F_OK) == 0 ? EIO : ENOENT) }
        if text == "" || text == "\n" { throw MachineIDError(code: ENOMEDIUM) }
        if text.hasPrefix("uninitialized") { throw MachineIDError(code: ENOPKG) }
        guard let id = parse(text) else { throw MachineIDError(code: EINVAL) }
        if id.allSatisfy({ $0 == 0 }) { throw MachineIDError(code: ENOMEDIUM) }
        return id
    }

    /// 32 hex digits, or the 36-character UUID form, with or without a newline after
    /// (as the files hold them); nil for anything else.
    static func parse(_ text: String) -> [UInt8]? {
        var digits = Array(text.utf8)
        if digits.last == UInt8(ascii: "\n") { digits.removeLast() }
        if digits.count == 36, [8, 13, 18, 23].allSatisfy({ digits[$0] == UInt8(ascii: "-") }) {
            digits = digits.enumerated().filter { ![8, 13, 18, 23].contains($0.offset) }.map(\.element)
        }
        guard digits.count == 32 else { return nil }
        return Hex.decode(String(decoding: digits, as: UTF8.self))
    }
}

public struct MachineIDError: Error, CustomStringConvertible {
    let code: Int32
    public var description: String {
        let why = switch code {
        case ENOENT: "it is missing"
        case ENOMEDIUM: "it is empty or uninitialized"
        case ENOPKG: "it is uninitialized"
        case EINVAL: "it does not hold 32 hexadecimal digits"
        default: "error \(code)"
        }
        return "cannot derive a client id from /etc/machine-id: \(why)"
    }
}

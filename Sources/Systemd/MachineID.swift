import CSystemd
import DeviceAuth
#if canImport(Glibc)
import Glibc
#endif

/// A stable per-device identifier derived from /etc/machine-id, as systemd
/// recommends (sd_id128_get_machine_app_specific): unique per device, the same
/// across reboots, and it does not reveal the machine id itself.
public enum MachineID {
    /// Our application id; changing it would re-identify every camera.
    static let applicationID: sd_id128_t = sd_id128_t(bytes: (0x6d, 0x2c, 0x1f, 0x8a, 0x93, 0x4e, 0x4b, 0x17,
                                                               0xa5, 0x0c, 0x3d, 0x72, 0xe1, 0x58, 0x9b, 0x46))

    /// 32 lowercase hex digits, or an error naming the cause (no /etc/machine-id, …).
    public static func applicationSpecific() throws(MachineIDError) -> String {
        var result = sd_id128_t()
        let status = sd_id128_get_machine_app_specific(applicationID, &result)
        guard status >= 0 else { throw MachineIDError(code: -status) }
        return hex(result)
    }

    /// An sd_id128_t as systemd prints it: 32 lowercase hex digits.
    static func hex(_ id: sd_id128_t) -> String {
        withUnsafeBytes(of: id.bytes) { Hex.encode($0) }
    }
}

public struct MachineIDError: Error, CustomStringConvertible {
    let code: Int32
    public var description: String {
        let why = switch code {
        case ENOENT: "it is missing"
        case ENOMEDIUM: "it is empty or uninitialized"
        case ENOPKG: "it is uninitialized"
        default: "error \(code)"
        }
        return "cannot derive a client id from /etc/machine-id: \(why)"
    }
}

import CQRencode
#if canImport(Glibc)
import Glibc
#endif

/// A QR code of a URL, encoded by libqrencode with error correction level M:
/// a square of dark and light modules, without the quiet zone (renderers add it).
public struct QRCode: Sendable, Equatable {
    /// Modules per side.
    public let size: Int
    /// Row-major; true is a dark module.
    public let modules: [Bool]

    /// The quiet zone every renderer draws around the code (ISO/IEC 18004: 4 modules).
    public static let quietZone = 4

    public init(_ text: String) throws(QRCodeError) {
        guard !text.isEmpty, text.utf8.count <= 2048 else { throw .tooLong }
        errno = 0
        guard let code = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M) else { throw .encodingFailed(errno) }
        defer { QRcode_free(code) }
        let width = Int(code.pointee.width)
        size = width
        // libqrencode: bit 0 of each byte is the module's colour (1 = dark).
        modules = (0..<(width * width)).map { code.pointee.data[$0] & 1 == 1 }
    }

    public func isDark(x: Int, y: Int) -> Bool {
        guard x >= 0, y >= 0, x < size, y < size else { return false }
        return modules[y * size + x]
    }
}

public enum QRCodeError: Error, CustomStringConvertible {
    case tooLong
    case encodingFailed(Int32)

    public var description: String {
        switch self {
        case .tooLong: "the text is empty or too long for a QR code"
        case .encodingFailed(let code): "libqrencode could not encode the text (errno \(code))"
        }
    }
}

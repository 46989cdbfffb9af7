// SPDX-License-Identifier: Apache-2.0
/// A QR code of a URL, byte mode, error correction level M (`QREncoder`):
/// a square of dark and light modules, without the quiet zone (renderers add it).
public struct QRCode: Sendable, Equatable {
    /// Modules per side.
    public let size: Int
    /// Row-major; true is a dark module.
    public let modules: [Bool]

    /// The quiet zone every renderer draws around the code (ISO/IEC 18004: 4 modules).
    public static let quietZone = 4

    public init(_ text: String) throws(QRCodeError) {
        guard !text.isEmpty, text.utf8.count <= 2048, let code = QREncoder(bytes: Array(text.utf8)) else { throw .tooLong }
        self.init(size: code.size, modules: code.dark)
    }

    init(size: Int, modules: [Bool]) {
        self.size = size
        self.modules = modules
    }

    public func isDark(x: Int, y: Int) -> Bool {
        guard x >= 0, y >= 0, x < size, y < size else { return false }
        return modules[y * size + x]
    }
}

public enum QRCodeError: Error, CustomStringConvertible {
    case tooLong

    public var description: String {
        switch self {
        case .tooLong: "the text is empty or too long for a QR code"
        }
    }
}

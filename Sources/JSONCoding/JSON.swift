// SPDX-License-Identifier: Apache-2.0
/// JSON for the daemon and the CLI without Foundation (whose JSON coders cost
/// a static binary about 7 MB): `Codable` types to and from bytes.
public enum JSON {
    /// Why a document could not be read as the type asked for: not JSON at all, or
    /// JSON whose content does not fit (a `DecodingError`, or what the type's own
    /// `init(from:)` threw).
    public enum DecodeError: Error, @unchecked Sendable, CustomStringConvertible {
        case syntax(JSONSyntaxError)
        case content(any Error)

        public var description: String {
            switch self {
            case .syntax(let error): error.description
            case .content(let error): JSON.describe(error)
            }
        }
    }

    public static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws(DecodeError) -> T {
        let value: JSONValue
        do { value = try JSONParser.parse(bytes) } catch { throw .syntax(error) }
        return try decode(type, from: value)
    }

    public static func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws(DecodeError) -> T {
        do { return try JSONValueDecoder(value: value, codingPath: []).decodeValue(type) } catch {
            throw .content(error)
        }
    }

    /// One line of JSON (no newline), members sorted by name unless asked otherwise.
    public static func encode<T: Encodable>(_ value: T, sortedKeys: Bool = true) throws -> [UInt8] {
        JSONWriter.write(try encodeValue(value), sortedKeys: sortedKeys)
    }

    public static func encodeValue<T: Encodable>(_ value: T) throws -> JSONValue {
        let box = JSONValueEncoder.Box()
        try JSONValueEncoder.encode(value, into: box, codingPath: [])
        return box.value
    }

    /// Short words for a decoding error: which member, and what was wrong.
    static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.isEmpty ? "" : " at " + context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context): return "no \(key.stringValue)\(path(context))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return context.debugDescription + path(context)
        @unknown default: return "\(error)"
        }
    }
}

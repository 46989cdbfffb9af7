// SPDX-License-Identifier: Apache-2.0
/// The member names a `Decodable` type reads at its top level, found by decoding it
/// from a decoder that answers every request with an empty value and writes down the
/// keys asked for: the wire names of a method's parameters and result, without an
/// instance and without a second list to keep in step.
enum FieldNames {
    static func of<T: Decodable>(_ type: T.Type) -> [String] {
        let recorder = Recorder()
        _ = try? T(from: KeyRecorder(recorder: recorder, depth: 0))
        return recorder.keys
    }

    final class Recorder {
        var keys: [String] = []
        func note(_ key: any CodingKey, depth: Int) {
            if depth == 0, !keys.contains(key.stringValue) { keys.append(key.stringValue) }
        }
    }

    struct KeyRecorder: Decoder {
        let recorder: Recorder
        let depth: Int
        var codingPath: [any CodingKey] { [] }
        var userInfo: [CodingUserInfoKey: Any] { [:] }
        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedDecodingContainer<Key> { KeyedDecodingContainer(Keyed<Key>(decoder: self)) }
        func unkeyedContainer() -> any UnkeyedDecodingContainer { Empty(decoder: self) }
        func singleValueContainer() -> any SingleValueDecodingContainer { Single(decoder: self) }
        var inner: KeyRecorder { KeyRecorder(recorder: recorder, depth: depth + 1) }
    }

    static func empty<T: Decodable>(_ type: T.Type, _ decoder: KeyRecorder) throws -> T {
        switch type {
        case is String.Type: return "" as! T
        case is Bool.Type: return false as! T
        case is Double.Type: return 0.0 as! T
        case is Int.Type: return 0 as! T
        case is Int64.Type: return Int64(0) as! T
        default: return try T(from: decoder.inner)
        }
    }

    struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let decoder: KeyRecorder
        var codingPath: [any CodingKey] { [] }
        var allKeys: [Key] { [] }
        func contains(_ key: Key) -> Bool { true }
        func decodeNil(forKey key: Key) throws -> Bool {
            decoder.recorder.note(key, depth: decoder.depth)
            return false
        }
        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            decoder.recorder.note(key, depth: decoder.depth)
            return try FieldNames.empty(type, decoder)
        }
        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) -> KeyedDecodingContainer<NestedKey> {
            decoder.recorder.note(key, depth: decoder.depth)
            return KeyedDecodingContainer(Keyed<NestedKey>(decoder: decoder.inner))
        }
        func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedDecodingContainer {
            decoder.recorder.note(key, depth: decoder.depth)
            return Empty(decoder: decoder.inner)
        }
        func superDecoder() -> any Decoder { decoder.inner }
        func superDecoder(forKey key: Key) -> any Decoder { decoder.inner }
    }

    struct Empty: UnkeyedDecodingContainer {
        let decoder: KeyRecorder
        var codingPath: [any CodingKey] { [] }
        var count: Int? { 0 }
        var isAtEnd: Bool { true }
        var currentIndex: Int { 0 }
        mutating func decodeNil() -> Bool { true }
        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try FieldNames.empty(type, decoder.inner) }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) -> KeyedDecodingContainer<NestedKey> {
            KeyedDecodingContainer(Keyed<NestedKey>(decoder: decoder.inner))
        }
        mutating func nestedUnkeyedContainer() -> any UnkeyedDecodingContainer { Empty(decoder: decoder.inner) }
        mutating func superDecoder() -> any Decoder { decoder.inner }
    }

    struct Single: SingleValueDecodingContainer {
        let decoder: KeyRecorder
        var codingPath: [any CodingKey] { [] }
        func decodeNil() -> Bool { false }
        func decode<T: Decodable>(_ type: T.Type) throws -> T { try FieldNames.empty(type, decoder) }
    }
}

// SPDX-License-Identifier: Apache-2.0
/// `Encodable` values into a `JSONValue`, as Foundation's JSONEncoder writes
/// them by default (keys as declared, nil members left out), without Foundation.
final class JSONValueEncoder: Encoder {
    /// What one encoder produced; containers write into it as they go.
    final class Box {
        enum Content { case empty, value(JSONValue), object([(String, Box)]), array([Box]) }
        var content = Content.empty

        var value: JSONValue {
            switch content {
            case .empty: .object([])
            case .value(let value): value
            case .object(let members): .object(members.map { ($0.0, $0.1.value) })
            case .array(let elements): .array(elements.map(\.value))
            }
        }
    }

    let box: Box
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(box: Box = Box(), codingPath: [any CodingKey] = []) {
        self.box = box
        self.codingPath = codingPath
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .object = box.content {} else { box.content = .object([]) }
        return KeyedEncodingContainer(Keyed<Key>(box: box, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .array = box.content {} else { box.content = .array([]) }
        return Unkeyed(box: box, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { Single(box: box, codingPath: codingPath) }

    /// Leaf types are written here; everything else encodes itself into `box`.
    static func encode<T: Encodable>(_ value: T, into box: Box, codingPath: [any CodingKey]) throws {
        switch value {
        case let text as String: box.content = .value(.string(text))
        case let flag as Bool: box.content = .value(.bool(flag))
        case let number as Double: box.content = .value(try finite(number, codingPath))
        case let number as Float: box.content = .value(try finite(number, codingPath))
        // Every width, signed or not: a type that reached `encode(to:)` instead would call
        // back into this encoder's single-value container for itself, without end.
        case let number as any FixedWidthInteger: box.content = .value(.number("\(number)"))
        default: try value.encode(to: JSONValueEncoder(box: box, codingPath: codingPath))
        }
    }

    /// Whole numbers without ".0", as JSONEncoder writes them; NaN and infinity are not JSON.
    /// A Float is written as its own shortest digits ("0.1"), not as the Double it widens to.
    private static func finite<F: BinaryFloatingPoint & LosslessStringConvertible>(_ number: F, _ codingPath: [any CodingKey]) throws -> JSONValue {
        guard number.isFinite else {
            throw EncodingError.invalidValue(number, .init(codingPath: codingPath, debugDescription: "\(number) is not a JSON number"))
        }
        if number.rounded() == number, abs(number) < 1e15 { return .number(String(Int64(number))) }
        return .number(String(number))
    }

    struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let box: Box
        let codingPath: [any CodingKey]

        /// The member's box, replacing one of the same name.
        private func member(_ key: Key) -> Box {
            let child = Box()
            guard case .object(var members) = box.content else { return child }
            members.removeAll { $0.0 == key.stringValue }
            members.append((key.stringValue, child))
            box.content = .object(members)
            return child
        }

        mutating func encodeNil(forKey key: Key) throws { member(key).content = .value(.null) }

        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            try JSONValueEncoder.encode(value, into: member(key), codingPath: codingPath + [key])
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            JSONValueEncoder(box: member(key), codingPath: codingPath + [key]).container(keyedBy: keyType)
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            JSONValueEncoder(box: member(key), codingPath: codingPath + [key]).unkeyedContainer()
        }

        mutating func superEncoder() -> any Encoder { JSONValueEncoder(box: box, codingPath: codingPath) }

        mutating func superEncoder(forKey key: Key) -> any Encoder { JSONValueEncoder(box: member(key), codingPath: codingPath + [key]) }
    }

    struct Unkeyed: UnkeyedEncodingContainer {
        let box: Box
        let codingPath: [any CodingKey]
        var count: Int {
            if case .array(let elements) = box.content { return elements.count }
            return 0
        }

        private func next() -> Box {
            let child = Box()
            if case .array(let elements) = box.content { box.content = .array(elements + [child]) }
            return child
        }

        mutating func encodeNil() throws { next().content = .value(.null) }

        mutating func encode<T: Encodable>(_ value: T) throws {
            try JSONValueEncoder.encode(value, into: next(), codingPath: codingPath + [IndexKey(intValue: count)])
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            JSONValueEncoder(box: next(), codingPath: codingPath).container(keyedBy: keyType)
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            JSONValueEncoder(box: next(), codingPath: codingPath).unkeyedContainer()
        }

        mutating func superEncoder() -> any Encoder { JSONValueEncoder(box: next(), codingPath: codingPath) }
    }

    struct Single: SingleValueEncodingContainer {
        let box: Box
        let codingPath: [any CodingKey]

        mutating func encodeNil() throws { box.content = .value(.null) }

        mutating func encode<T: Encodable>(_ value: T) throws {
            try JSONValueEncoder.encode(value, into: box, codingPath: codingPath)
        }
    }
}

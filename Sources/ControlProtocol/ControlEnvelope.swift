// SPDX-License-Identifier: Apache-2.0
import JSONCoding

/// The control socket's wire format: one JSON object per line each way, a
/// request's or reply's own members (`id`, `method`; `id`, `ok`, `event`, `error`)
/// beside the method's parameters or result (`ControlMethod`).
/// Documented in docs/control-protocol.md; tests keep the two in step.
/// This module holds only the format and a client, so deviceauthctl links
/// nothing of the daemon (no SQLite, TLS or HTTP client).
/// A request as it goes out: `id`, `method` and the parameters' members in one object.
public struct ControlRequest<Method: ControlMethod>: Encodable, Sendable, CustomStringConvertible {
    /// Echoed in the reply, so a client may pipeline requests.
    public var id: Int?
    public var parameters: Method.Parameters

    public init(_ method: Method.Type, _ parameters: Method.Parameters, id: Int? = nil) {
        self.id = id
        self.parameters = parameters
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: ControlRequestHead.CodingKeys.self)
        try container.encodeIfPresent(id, forKey: .id)
        try container.encode(Method.name, forKey: .method)
        try parameters.encode(to: encoder)
    }

    /// A request printed by mistake (`"\(request)"`) shows which secrets it carries, never their values.
    public var description: String {
        let carried = (parameters as? any CarriesSecrets)?.carriedSecrets ?? []
        return "ControlRequest(\(Method.name)\(id.map { " id \($0)" } ?? "")\(carried.isEmpty ? "" : ", with " + carried.joined(separator: ", ") + " redacted"))"
    }
}

extension ControlRequest where Method.Parameters == NoParameters {
    public init(_ method: Method.Type, id: Int? = nil) { self.init(method, NoParameters(), id: id) }
}

/// What the server reads of every request first: which method, and the id to echo.
public struct ControlRequestHead: Decodable, Sendable {
    public var id: Int?
    public var method: String
    enum CodingKeys: String, CodingKey { case id, method }
}

/// A result of nothing: the type of a reply that can only be an error.
public typealias NoResult = NoParameters

/// One line the server sends: `id`, `ok`, `event` ("status" on the lines of a `watch`
/// after its first), `error` when not ok, and the method's result members beside them.
public struct ControlReply<Result: Codable & Sendable>: Codable, Sendable {
    public var id: Int?
    public var ok: Bool
    public var event: String?
    public var error: ControlError?
    /// Present when `ok`.
    public var result: Result?
    /// The line as it came, for `--json` (set by `ControlClient`; not on the wire).
    public var line: [UInt8] = []

    public init(id: Int?, result: Result, event: String? = nil) {
        self.id = id
        self.ok = true
        self.event = event
        self.result = result
    }

    public init(id: Int?, error: ControlError) {
        self.id = id
        self.ok = false
        self.error = error
    }

    enum CodingKeys: String, CodingKey { case id, ok, event, error }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decodeIfPresent(Int.self, forKey: .id)
        ok = try container.decode(Bool.self, forKey: .ok)
        event = try container.decodeIfPresent(String.self, forKey: .event)
        error = try container.decodeIfPresent(ControlError.self, forKey: .error)
        if ok { result = try Result(from: decoder) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(id, forKey: .id)
        try container.encode(ok, forKey: .ok)
        try container.encodeIfPresent(event, forKey: .event)
        try container.encodeIfPresent(error, forKey: .error)
        try result?.encode(to: encoder)
    }
}

public enum ControlJSON {
    public static func encode<T: Encodable>(_ value: T) -> [UInt8] {
        // Our own types always encode; the fallback keeps the line protocol intact if one ever did not.
        return ((try? JSON.encode(value)) ?? Array(#"{"ok":false}"#.utf8)) + [UInt8(ascii: "\n")]
    }
}

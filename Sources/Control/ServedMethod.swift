// SPDX-License-Identifier: Apache-2.0
import AccessPolicy
import ControlProtocol
import JSONCoding

/// A method as the server answers it: the descriptor's name and role, and how its
/// parameters become its result. Built only from a `ControlMethod` type, so what is
/// on the wire and who may call it are said once, in ControlProtocol.
struct ServedMethod: Sendable {
    enum Kind: Sendable {
        /// One request, one reply line.
        case answer(@Sendable (_ request: JSONValue, _ call: ControlCall) async -> [UInt8])
        /// The status, then a line per change (`ControlConnection.watch`).
        case watch
    }

    let name: String
    let role: PeerRole
    let kind: Kind

    init<Method: ControlMethod>(_: Method.Type,
                                _ handle: @escaping @Sendable (Method.Parameters, ControlCall) async throws(ControlError) -> Method.Result) {
        name = Method.name
        role = Method.role
        kind = .answer { request, call in
            let parameters: Method.Parameters
            do throws(JSON.DecodeError) { parameters = try JSON.decode(Method.Parameters.self, from: request) } catch {
                return ControlJSON.encode(ControlReply<NoResult>(id: call.id, error: .init(.badRequest, "\(Method.name): \(error)")))
            }
            do throws(ControlError) {
                return ControlJSON.encode(ControlReply(id: call.id, result: try await handle(parameters, call)))
            } catch {
                return ControlJSON.encode(ControlReply<NoResult>(id: call.id, error: error))
            }
        }
    }

    init<Method: ControlMethod>(watching: Method.Type) where Method.Result == StatusResult {
        name = Method.name
        role = Method.role
        kind = .watch
    }

    static func named(_ name: String) -> ServedMethod? { all.first { $0.name == name } }
}

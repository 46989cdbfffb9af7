// SPDX-License-Identifier: Apache-2.0
/// Every method of the control socket, in the order the protocol document lists
/// them. A method is added here and in a file of `Methods/`; the server must then
/// serve it (a test checks) and the document describe it (another test).
public enum ControlMethods {
    public static let all: [any ControlMethod.Type] = [
        StatusMethod.self, WatchMethod.self, PairMethod.self, CancelMethod.self, UnpairMethod.self,
        TokenMethod.self, RefreshMethod.self, DoctorMethod.self, VersionMethod.self,
        LoginStartMethod.self, LoginFinishMethod.self, LoginImportMethod.self, LoginPasswordMethod.self,
    ]

    public static func named(_ name: String) -> (any ControlMethod.Type)? { all.first { $0.name == name } }

    /// For `unknown_method`: what this daemon takes.
    public static var names: String { all.map { $0.name }.joined(separator: ", ") }
}

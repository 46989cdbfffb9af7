// SPDX-License-Identifier: Apache-2.0
/// Every dialect `Type=` accepts, the first being the default. A dialect is added
/// here and in a file of its own; tests check that the configs, the man page,
/// docs/providers.md and the fake provider follow.
extension ProviderDialect {
    public static let all: [ProviderDialect] = [frameioC2C, oauth2Device, oauth2, cameraManager]

    public static func named(_ name: String) -> ProviderDialect? { all.first { $0.name == name } }

    /// [Provider] keys some dialects take and others refuse.
    static var dialectKeys: [String] {
        var keys: [String] = []
        for dialect in all { for key in dialect.keys where !keys.contains(key) { keys.append(key) } }
        return keys
    }

    /// "Type=a and Type=b": who takes `key`.
    static func takers(of key: String) -> String {
        let names = all.filter { $0.keys.contains(key) }.map { "Type=" + $0.name }
        return names.count < 2 ? names.joined() : names.dropLast().joined(separator: ", ") + " and " + names.last!
    }
}

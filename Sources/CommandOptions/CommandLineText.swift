// SPDX-License-Identifier: Apache-2.0

/// What both binaries say about their command line, in one shape: usage errors
/// prefixed with the program's name (as their man pages say), the nearest name
/// suggested for a typo, and the exit statuses as a table their help prints and
/// the man pages' tests read.
public enum CommandLineText {
    /// The nearest of `names` to `word`, when it is close enough to be a typo of it.
    public static func nearest(_ word: String, among names: [String]) -> String? {
        let lowered = word.lowercased()
        guard !lowered.isEmpty,
              let (name, distance) = names.map({ ($0, editDistance(lowered, $0)) }).min(by: { $0.1 < $1.1 })
        else { return nil }
        return distance <= 2 || name.hasPrefix(lowered) ? name : nil
    }

    /// Levenshtein distance: insertions, deletions and substitutions.
    public static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var current = [i + 1]
            for (j, y) in b.enumerated() {
                current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
    }

    /// Leaves with 64 after `program: what was wrong` and where the usage is.
    public static func usageFailure(_ program: String, _ error: UsageError, help: String) -> Never {
        exitWith(64, message: "\(program): \(error)\n\(program): see '\(help)'")
    }

    /// One documented exit status.
    public struct ExitStatus: Sendable {
        public let code: Int32
        public let meaning: String
        public init(_ code: Int32, _ meaning: String) {
            self.code = code
            self.meaning = meaning
        }
    }

    /// The EXIT STATUS part of a help text.
    public static func help(_ statuses: [ExitStatus]) -> String {
        "EXIT STATUS:\n" + statuses.map { "  " + "\($0.code)".padding(toWidth: 4) + $0.meaning }.joined(separator: "\n")
    }
}

extension String {
    func padding(toWidth width: Int) -> String { self + String(repeating: " ", count: max(1, width - count)) }
}

// SPDX-License-Identifier: Apache-2.0
import Primitives

/// The one-line STATUS= text: the state's name, a colon, what a person needs to know.
extension PairingState {
    public func statusLine() -> String {
        switch self {
        case .unpaired(let reason):
            return "unpaired: \(reason.explanation)"
        case .polling(let polling):
            guard let session = polling.session else {
                return "polling: requesting a pairing code" + (polling.lastProblem.map { " (\($0))" } ?? "")
            }
            // Every user can read STATUS (systemctl status): no code here, only where to get it.
            var line = "polling: waiting for approval of the pairing code (expires \(TimeText.clock(session.expiresAt))); \(Self.whereToSeeTheCode)"
            if let problem = polling.lastProblem { line += "; \(problem)" }
            return line
        case .authorized(let authorized):
            return "authorized: \(Self.project(authorized))token valid until \(TimeText.clock(authorized.grant.accessExpiresAt))"
        case .refreshing(let authorized, _):
            var line = "refreshing: \(Self.project(authorized))token valid until \(TimeText.clock(authorized.grant.accessExpiresAt))"
            if let problem = authorized.lastProblem { line += "; \(problem)" }
            return line
        }
    }

    /// Said wherever the code is left out: who may see it, and how.
    public static let whereToSeeTheCode = "deviceauthctl pair shows it (root, the daemon's user and PairingViewers=)"

    /// Only providers with a device API (Frame.io) name a project.
    static func project(_ authorized: Authorized) -> String {
        authorized.projectName.map { "project \($0), " } ?? ""
    }
}

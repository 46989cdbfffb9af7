
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
            var line = "polling: enter code \(session.userCode)"
            if let uri = session.verificationURI { line += " at \(uri)" }
            line += " (expires \(TimeText.clock(session.expiresAt)))"
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

    /// Only providers with a device API (Frame.io) name a project.
    static func project(_ authorized: Authorized) -> String {
        authorized.projectName.map { "project \($0), " } ?? ""
    }
}

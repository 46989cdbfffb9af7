// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing

extension DaemonFixture {
    /// Starts a daemon of a login type and waits until it says a login is needed.
    func startAwaitingLogin(environment: [String: String] = [:]) async throws {
        let seen = notify.assignments.count
        try start(environment: environment)
        try #require(await notify.waitStatus("unpaired: not logged in", seconds: 20, after: seen) != nil)
    }
}

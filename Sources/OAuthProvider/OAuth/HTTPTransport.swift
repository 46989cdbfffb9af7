// SPDX-License-Identifier: Apache-2.0
/// One HTTP request to a provider. Bodies are small forms; URLs never carry secrets.
public struct HTTPCall: Sendable {
    public var method: String
    public var url: String
    public var headers: [(String, String)]
    public var body: [UInt8]?

    public init(method: String, url: String, headers: [(String, String)] = [], body: [UInt8]? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }

    /// Overwrites the body in place (it may hold a password), best effort.
    mutating func zeroBody() {
        guard body != nil else { return }
        _ = body!.withUnsafeMutableBytes { $0.initializeMemory(as: UInt8.self, repeating: 0) }
    }
}

/// What came back, read whole.
public struct HTTPAnswer: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]
    /// The URL asked, when the transport says (to tell a redirect elsewhere from one at home).
    public var url: String?

    public init(status: Int, headers: [(String, String)], body: [UInt8], url: String? = nil) {
        self.status = status
        self.headers = headers
        self.body = body
        self.url = url
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }
}

/// Sends HTTP requests for the OAuth grants.
///
/// Contract for implementers: answer every request, within a bounded time,
/// with an `HTTPAnswer` (any status) or an `OAuthFailure`: `.network` when no
/// answer arrived (refused, reset, timed out), `.malformed` when the answer
/// was larger than the implementation's cap. Never crash or hang on what a
/// server sends.
public protocol HTTPTransport: Sendable {
    func perform(_ call: HTTPCall) async throws(OAuthFailure) -> HTTPAnswer
}

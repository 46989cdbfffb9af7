// SPDX-License-Identifier: Apache-2.0
import AsyncHTTPClient
import FakeProvider
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle

/// One fake provider on a real loopback port, with a clock the test drives,
/// and a real HTTP client to talk to it.
public struct FakeHarness: Sendable {
    public init(baseURL: String, clock: ManualClock, configuration: FakeProviderConfiguration) {
        self.baseURL = baseURL
        self.clock = clock
        self.configuration = configuration
    }

    public let baseURL: String
    public let clock: ManualClock
    public let configuration: FakeProviderConfiguration

    public static let clientID = "test-camera-0001"
    public static let defaultHeaders = [("x-client-version", "2.0.0")]

    public var secret: String { configuration.clientSecret }
    /// The loopback port the fake listens on (plain HTTP).
    public var port: Int { Int(baseURL.split(separator: ":").last ?? "") ?? 0 }
}

/// Starts a fake provider on 127.0.0.1:0, runs `body` against it, and shuts it down.
/// Starts a fake provider on 127.0.0.1:0, runs `body` against it, and shuts it down.
/// - Parameter realTime: run the fake on the system clock (for a daemon under test,
///   which lives in real time); otherwise on `harness.clock`, which the test drives.
public func withFakeProvider(
    realTime: Bool = false,
    _ configure: (inout FakeProviderConfiguration) -> Void = { _ in },
    _ body: (FakeHarness) async throws -> Void
) async throws {
    var configuration = FakeProviderConfiguration()
    configure(&configuration)
    let clock = ManualClock()
    var logger = Logger(label: "fake-provider-test")
    // Tests provoke what the fake warns about (a rotated token presented again): errors only.
    logger.logLevel = .error
    let provider = FakeProvider(configuration: configuration, clock: realTime ? SystemClock() : clock, logger: logger)
    let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
    let app = provider.makeApplication(port: 0) { port in portContinuation.yield(port) }
    var groupConfiguration = ServiceGroupConfiguration(services: [app], logger: logger)
    // Requests held by `hang` or `delay` faults are cancelled rather than awaited.
    groupConfiguration.maximumGracefulShutdownDuration = .seconds(2)
    let group = ServiceGroup(configuration: groupConfiguration)

    try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask(executorPreference: TestExecutors.servers) { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw HarnessError.serverDidNotStart }
        let harness = FakeHarness(baseURL: "http://127.0.0.1:\(port)", clock: clock, configuration: configuration)
        let outcome: Result<Void, any Error>
        do { try await body(harness); outcome = .success(()) } catch { outcome = .failure(error) }
        // Shut down gracefully and wait, also when the body failed: leaving the task
        // group with the server running cancels it, and cancelling a NIO server that
        // holds an accepted connection not yet served traps (swift-nio issue 2813).
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
        try outcome.get()
    }
}

public enum HarnessError: Error { case serverDidNotStart, unexpectedReply(Int, String) }

/// What came back, read whole (capped).
public struct TestResponse: Sendable {
    public let status: Int
    public let headers: [(String, String)]
    public let body: [UInt8]

    public var text: String { String(decoding: body, as: UTF8.self) }

    public func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    /// The body as a JSON object; nil when it is not one.
    public var json: [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
    }

    /// `error` of an OAuth error body.
    public var oauthError: String? { json?["error"] as? String }

    public func string(_ key: String) -> String? { json?[key] as? String }
    public func int(_ key: String) -> Int? { json?[key] as? Int }
}

extension FakeHarness {
    public static let maxTestBody = 32 * 1024 * 1024

    public func send(
        _ method: HTTPMethod, _ path: String,
        headers: [(String, String)] = defaultHeaders,
        body: [UInt8]? = nil,
        timeout: TimeAmount = .seconds(10)
    ) async throws -> TestResponse {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: timeout)
        let collected = try await response.body.collect(upTo: Self.maxTestBody)
        return TestResponse(
            status: Int(response.status.code),
            headers: response.headers.map { ($0.name, $0.value) },
            body: Array(buffer: collected)
        )
    }

    /// One request whose redirect is answered, not followed (a client's own redirect URI).
    public func sendWithoutRedirects(_ method: HTTPMethod, _ path: String, headers: [(String, String)], body: [UInt8]? = nil) async throws -> TestResponse {
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let outcome: Result<TestResponse, any Error>
        do {
            let response = try await client.execute(request, timeout: .seconds(10))
            let collected = try await response.body.collect(upTo: Self.maxTestBody)
            outcome = .success(TestResponse(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) }, body: Array(buffer: collected)))
        } catch { outcome = .failure(error) }
        try await client.shutdown()
        return try outcome.get()
    }

    public func postForm(
        _ path: String, _ fields: [(String, String)],
        headers: [(String, String)] = defaultHeaders, timeout: TimeAmount = .seconds(10)
    ) async throws -> TestResponse {
        try await send(.POST, path, headers: headers + [("content-type", "application/x-www-form-urlencoded")],
                       body: Array(formEncode(fields).utf8), timeout: timeout)
    }

    public func postMultipart(_ path: String, _ fields: [(String, String)]) async throws -> TestResponse {
        let boundary = "----deviceauth-test-boundary"
        var body = ""
        for (name, value) in fields {
            body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n"
        }
        body += "--\(boundary)--\r\n"
        return try await send(.POST, path, headers: Self.defaultHeaders + [("content-type", "multipart/form-data; boundary=\(boundary)")],
                              body: Array(body.utf8))
    }

    public func postJSON(_ path: String, _ json: String, headers: [(String, String)] = defaultHeaders) async throws -> TestResponse {
        try await send(.POST, path, headers: headers + [("content-type", "application/json")], body: Array(json.utf8))
    }

    public func get(_ path: String, bearer: String? = nil) async throws -> TestResponse {
        try await send(.GET, path, headers: Self.defaultHeaders + (bearer.map { [("authorization", "Bearer \($0)")] } ?? []))
    }

    /// Calls a `/_fake/` control endpoint and insists it succeeded.
    @discardableResult
    public func control(_ path: String, _ json: String = "{}") async throws -> TestResponse {
        let response = try await postJSON("/_fake/" + path, json, headers: [])
        guard response.status == 200 else { throw HarnessError.unexpectedReply(response.status, response.text) }
        return response
    }

    public func stats() async throws -> FakeProviderStats {
        let response = try await send(.GET, "/_fake/stats", headers: [])
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(FakeProviderStats.self, from: Data(response.body))
    }
}

public func formEncode(_ fields: [(String, String)]) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    return fields.map { name, value in
        let encode = { (s: String) in s.addingPercentEncoding(withAllowedCharacters: allowed)! }
        return "\(encode(name))=\(encode(value))"
    }.joined(separator: "&")
}

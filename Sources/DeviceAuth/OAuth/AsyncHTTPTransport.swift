import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// `HTTPTransport` on async-http-client (SwiftNIO, TLS by swift-nio-ssl).
/// Every call has a deadline, and answers are capped: an OAuth answer is a
/// few hundred bytes, so a megabyte is a broken or hostile server.
public struct AsyncHTTPTransport: HTTPTransport {
    let client: HTTPClient
    let timeout: TimeAmount
    let maxBodyBytes: Int

    public init(client: HTTPClient, timeout: TimeAmount = .seconds(30), maxBodyBytes: Int = 256 * 1024) {
        self.client = client
        self.timeout = timeout
        self.maxBodyBytes = maxBodyBytes
    }

    /// A client with connect and read timeouts, for the daemon's whole life.
    public static func makeClient() -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(10), read: .seconds(20))
        configuration.redirectConfiguration = .disallow  // a redirected token request could leak a secret
        configuration.decompression = .disabled
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    public func perform(_ call: HTTPCall) async throws(OAuthFailure) -> HTTPAnswer {
        var request = HTTPClientRequest(url: call.url)
        request.method = HTTPMethod(rawValue: call.method)
        for (name, value) in call.headers { request.headers.add(name: name, value: value) }
        var sent = call.body.map { ByteBuffer(bytes: $0) }
        if let sent { request.body = .bytes(sent) }
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: timeout)
        } catch {
            throw .network(Self.describe(error))
        }
        // The request body may hold a password: our copy is overwritten once it is sent
        // (best effort; buffers inside the HTTP stack are not ours to reach).
        request.body = nil
        sent?.withUnsafeMutableReadableBytes { $0.initializeMemory(as: UInt8.self, repeating: 0) }
        let body: ByteBuffer
        do {
            body = try await response.body.collect(upTo: maxBodyBytes)
        } catch is NIOTooManyBytesError {
            throw .malformed("answer larger than \(maxBodyBytes / 1024) KiB")
        } catch {
            throw .network(Self.describe(error))
        }
        return HTTPAnswer(status: Int(response.status.code),
                          headers: response.headers.map { ($0.name, $0.value) },
                          body: Array(buffer: body))
    }

    /// Short, secret-free words for a transport error.
    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .connectTimeout: return "timed out"
            case .remoteConnectionClosed: return "connection closed before the answer"
            default: return "\(error)"
            }
        }
        if let error = error as? IOError { return error.description }
        return String(describing: type(of: error)) + ": " + "\(error)".prefix(120)
    }
}

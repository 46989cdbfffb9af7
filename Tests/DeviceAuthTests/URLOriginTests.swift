// SPDX-License-Identifier: Apache-2.0
import CurlHTTP
import OAuthProvider
import TestSupport
import Testing

/// The one reading of a URL's host and port, and of `NoProxy=` as libcurl reads it.
@Suite("URL origins and NoProxy=")
struct URLOriginTests {
    @Test("Scheme, host and port of the URLs the daemon calls; relative and other schemes are none",
          arguments: [
            ("https://api.frame.io/v2/auth/token", "https", "api.frame.io", 443),
            ("http://127.0.0.1:8080/x?y#z", "http", "127.0.0.1", 8080),
            ("https://[::1]:4431/oauth2", "https", "[::1]", 4431),
            ("HTTPS://Provider.Camera.TEST", "https", "provider.camera.test", 443),
            ("https://user@host.example:444/", "https", "host.example", 444),
          ])
    func origins(_ url: String, _ scheme: String, _ host: String, _ port: Int) throws {
        let origin = try #require(URLOrigin(url))
        #expect(origin.scheme == scheme && origin.host == host && origin.port == port)
        #expect(origin.authority == "\(host):\(port)")
    }

    @Test("Not an origin: relative, another scheme, no host, an unclosed IPv6 literal, a port that is no port",
          arguments: ["/relative", "ftp://x", "https://", "https://[::1/", "https://host:http/", "https://host:0/", "http://host:65536"])
    func notOrigins(_ url: String) {
        #expect(URLOrigin(url) == nil)
    }

    @Test("What the checks of configured URLs and Proxy= read from it: a named port, user information")
    func parts() throws {
        #expect(try #require(URLOrigin("http://proxy:3128")).hasExplicitPort && !URLOrigin("http://proxy:3128")!.hasUserInfo)
        #expect(try !#require(URLOrigin("https://api.frame.io/v2")).hasExplicitPort)
        #expect(try #require(URLOrigin("https://user:pw@host.example/")).hasUserInfo)
        #expect(EndpointURL.problem("https://user:pw@host.example/token") == "must not carry a user name or password")
        #expect(EndpointURL.problem("http://[::1]:8080/token") == nil && EndpointURL.problem("http://camera.lan/token") != nil)
    }

    @Test("Addresses need no resolving; the bare host is what a resolver takes")
    func addresses() throws {
        #expect(try #require(URLOrigin("https://[::1]:1/")).isAddress && URLOrigin("https://[::1]:1/")?.bareHost == "::1")
        #expect(try #require(URLOrigin("http://127.0.0.1/")).isAddress)
        #expect(try !#require(URLOrigin("https://api.frame.io/")).isAddress)
    }

    @Test("NoProxy=: a host, a domain and its subdomains (leading dot or not), * for all, without case; otherwise the proxy")
    func noProxy() {
        let network = CurlTransport.Network(proxy: "http://proxy:3128", noProxy: ["internal.example", ".lan", "::1", "LOCALHOST"])
        #expect(network.proxy(for: "api.frame.io") == "http://proxy:3128")
        #expect(network.proxy(for: "internal.example") == nil && network.proxy(for: "auth.internal.example") == nil)
        #expect(network.proxy(for: "notinternal.example") == "http://proxy:3128")
        #expect(network.proxy(for: "camera.lan") == nil && network.proxy(for: "[::1]") == nil && network.proxy(for: "localhost") == nil)
        #expect(CurlTransport.Network(proxy: "http://p:1", noProxy: ["*"]).proxy(for: "anything") == nil)
        #expect(CurlTransport.Network().proxy(for: "api.frame.io") == nil)
    }

    @Test("With the provider exempted by NoProxy=, a refused connection is the provider's (connection), not the proxy's")
    func exemptedHostIsNotBlamedOnTheProxy() async throws {
        let proxyPort = try LoopbackServer.freePort(), providerPort = try LoopbackServer.freePort()
        let transport = CurlTransport(timeoutSeconds: 5, network: CurlTransport.Network(proxy: "http://127.0.0.1:\(proxyPort)", noProxy: ["localhost"]))
        do {
            _ = try await transport.perform(HTTPCall(method: "GET", url: "http://localhost:\(providerPort)/"))
            Issue.record("nothing listens there")
        } catch {
            guard case .network(let fault) = error else { Issue.record("\(error)"); return }
            #expect(fault.kind == .connection, "\(fault)")
        }
        // Through the proxy (not exempted), the same refusal is the proxy's.
        do {
            _ = try await transport.perform(HTTPCall(method: "GET", url: "http://127.0.0.1:\(providerPort)/"))
        } catch {
            guard case .network(let fault) = error else { Issue.record("\(error)"); return }
            #expect(fault.kind == .proxy, "\(fault)")
        }
    }
}

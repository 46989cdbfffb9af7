// SPDX-License-Identifier: Apache-2.0
import ControlProtocol
import CurlHTTP
import OAuthProvider
import DisplayText

/// The links to the provider, one at a time, for each host the daemon calls: the name,
/// the connection, the proxy's tunnel, TLS with the chain shown, then one request
/// without credentials. A link that fails is named; the links after it are not tried.
extension Doctor {
    var network: CurlTransport.Network { setup.network }

    /// Every URL the daemon calls; first the one the request check asks: the issuer's
    /// metadata with `Issuer=` (what the daemon fetches first), else the token endpoint.
    func providerURLs() async -> [String] {
        var urls: [String] = []
        // Discovered endpoints may need the network: bounded, and cancelled when late.
        if let endpoints = await Self.within(seconds: 5, { try? await profile.endpoints.current() }) ?? nil {
            urls = [endpoints.token] + [endpoints.deviceAuthorization, endpoints.revocation].compactMap { $0 }
        }
        if let discovered = profile.endpoints as? DiscoveredEndpoints, let metadata = ProviderDiscovery.metadataURLs(issuer: discovered.issuer).first {
            urls.insert(metadata, at: 0)
        }
        urls += [profile.deviceInfoURL, profile.heartbeatURL].compactMap { $0 }
        if case .bearerDelete(let url) = profile.revocation { urls.append(url) }
        return urls
    }

    func checkNetwork(_ report: inout DoctorReport) async {
        let urls = await providerURLs()
        var origins: [URLOrigin] = []
        for origin in urls.compactMap(URLOrigin.init) where !origins.contains(origin) { origins.append(origin) }
        guard !origins.isEmpty else {
            await report.check("dns") { .failed("no provider URL to check: the endpoints could not be found", "with Issuer=, the issuer's metadata must be reachable: the journal says why it is not") }
            return
        }
        for origin in origins { await checkLinks(to: origin, &report) }
        guard let first = urls.first, let origin = URLOrigin(first) else { return }
        let broken = ["dns", "tcp", "proxy", "tls"].contains { report.broken($0, target: target($0, origin)) }
        // With Issuer= the first URL is the metadata, which the daemon GETs first; else the
        // token endpoint, which takes POST with credentials: a HEAD shows it answers.
        let method = profile.endpoints is DiscoveredEndpoints ? "GET" : "HEAD"
        await report.check("http", target: first) { budget in
            if broken { return .skipped("not tried: a link before it failed") }
            return await request(method, first, budget.seconds(atMost: 10))
        }
    }

    /// What each link's check is about: the proxy's host for DNS and TCP when it is used.
    func target(_ name: String, _ origin: URLOrigin) -> String {
        guard let proxy = network.proxy(for: origin.bareHost).flatMap(URLOrigin.init) else { return name == "dns" ? origin.host : origin.authority }
        switch name {
        case "dns": return proxy.host
        case "tcp": return proxy.authority
        default: return origin.authority
        }
    }

    private func checkLinks(to origin: URLOrigin, _ report: inout DoctorReport) async {
        let proxy = network.proxy(for: origin.bareHost)
        let dnsTarget = target("dns", origin), tcpTarget = target("tcp", origin)
        // The same proxy serves every host: its name and connection are checked once.
        if !report.has("dns", target: dnsTarget) {
            await report.check("dns", target: dnsTarget) { budget in
                await lookUp(proxy.flatMap(URLOrigin.init) ?? origin, budget.seconds(atMost: 5), viaProxy: proxy)
            }
        }
        var before = report.broken("dns", target: dnsTarget)
        if !report.has("tcp", target: tcpTarget) {
            await report.check("tcp", target: tcpTarget) { budget in
                if before { return .skipped("not tried: the name did not resolve") }
                return await connect(proxy.flatMap(URLOrigin.init) ?? origin, budget.seconds(atMost: 5), isProxy: proxy != nil)
            }
        }
        before = before || report.broken("tcp", target: tcpTarget)
        if let proxy {
            await report.check("proxy", target: origin.authority) { budget in
                if before { return .skipped("not tried: no connection to the proxy") }
                return await tunnel(to: origin, through: proxy, budget.seconds(atMost: 8))
            }
            before = before || report.broken("proxy", target: origin.authority)
        }
        guard origin.scheme == "https" else { return }
        await report.check("tls", target: origin.authority) { budget in
            if before { return .skipped("not tried: no connection") }
            return await handshake(origin, budget.seconds(atMost: 8))
        }
    }

    private func lookUp(_ origin: URLOrigin, _ seconds: Double, viaProxy proxy: String?) async -> Finding {
        let whose = proxy == nil ? "" : " (the proxy's; the proxy resolves the provider's name)"
        guard !origin.isAddress else { return .ok("an address: nothing to resolve" + whose) }
        switch await NameLookup.resolve(origin.bareHost, timeoutSeconds: Int(seconds.rounded(.up))) {
        case .success(let addresses):
            return .ok("resolves to " + addresses.prefix(6).joined(separator: ", ") + whose)
        case .failure(let failure):
            return .failed("does not resolve: \(failure)" + whose,
                           proxy == nil ? "check the network's DNS server (/etc/resolv.conf, as the unit sees it) and the host name in the config"
                                        : "check the proxy's host name in Proxy= and the network's DNS server")
        }
    }

    private func connect(_ origin: URLOrigin, _ seconds: Double, isProxy: Bool) async -> Finding {
        // Straight to the host (or the proxy): no tunnel yet, that is the next check.
        var direct = network
        direct.proxy = nil
        let outcome = await CurlProbe.run("http://\(origin.authority)/", network: direct, timeoutMilliseconds: Int(seconds * 1000))
        if let fault = outcome.fault {
            return .failed("\(isProxy ? "the proxy: " : "")\(fault.detail)",
                           isProxy ? "check that the proxy runs and Proxy= names its port" : fault.advice)
        }
        return .ok("connected to \(outcome.address ?? origin.authority)\(isProxy ? " (the proxy)" : "")")
    }

    private func tunnel(to origin: URLOrigin, through proxy: String, _ seconds: Double) async -> Finding {
        let outcome = await CurlProbe.run("http://\(origin.authority)/", network: network, timeoutMilliseconds: Int(seconds * 1000))
        if let fault = outcome.fault { return .failed(fault.description, fault.kind == .proxy ? "ask the proxy's administrator, or check ProxyCredentialsFile=" : fault.advice) }
        return .ok("\(proxy) opened a tunnel (CONNECT) to \(origin.authority)")
    }

    private func handshake(_ origin: URLOrigin, _ seconds: Double) async -> Finding {
        let trusted = setup.trust.map { "CAFile=\($0.path)" } ?? "the system's trust store"
        let url = "https://\(origin.authority)/"
        let outcome = await CurlProbe.run(url, network: network, timeoutMilliseconds: Int(seconds * 1000), certificates: true)
        guard var fault = outcome.fault else {
            return .ok("verified against \(trusted); " + Self.chainWords(outcome.chain))
        }
        if fault.kind == .connection {
            // The connection was made (the check before): what did not come is the server's half of the handshake.
            return .failed("no answer to the TLS handshake in \(Int(seconds)) s (\(DisplayText.line(fault.detail, maxBytes: 120)))",
                           "something holds the connection without answering: a firewall or portal on this network, or an overloaded provider; try again, then from another network")
        }
        fault = ClockCheckedTransport.blamingTheClock(fault, now: clock.now())
        // What was presented, for the person to recognize (a TLS-inspecting network's CA).
        var presented = ""
        if [.tlsUntrusted, .tlsDates, .tlsName, .clockNotSet].contains(fault.kind) {
            let look = await CurlProbe.run(url, network: network, timeoutMilliseconds: Int(seconds * 1000), certificates: true, verify: false)
            if !look.chain.isEmpty { presented = "; presented: " + Self.chainWords(look.chain) }
        }
        let advice = fault.kind == .tlsUntrusted ? fault.advice + " (trusted now: \(trusted))" : fault.advice
        return .failed(fault.kind.rawValue + ": " + DisplayText.line(fault.detail, maxBytes: 200) + presented, advice)
    }

    /// One request without credentials, as the daemon's calls go (same transport, same checks
    /// of the answer): the metadata for `Issuer=`, else a HEAD of the token endpoint.
    private func request(_ method: String, _ url: String, _ seconds: Double) async -> Finding {
        let transport = ClockCheckedTransport(CurlTransport(timeoutSeconds: Int(seconds), maxBodyBytes: 64 * 1024, network: network), clock: clock)
        let answer: HTTPAnswer
        do { answer = try await transport.perform(HTTPCall(method: method, url: url, headers: [("accept", "application/json")])) } catch {
            if case .network(let fault) = error { return .failed(fault.description, fault.advice) }
            return .failed("\(error)", "the provider's answer could not be read")
        }
        if let portal = CaptivePortal.recognize(answer) { return .failed(portal.description, portal.advice) }
        let words = "\(method) answered \(answer.status)"
        if answer.status >= 500 { return .warning(words + ": the provider has trouble", "retry later; the daemon backs off and retries by itself") }
        if method == "GET", answer.status != 200 { return .failed(words, "Issuer= must name a server that publishes its metadata (RFC 8414)") }
        return .ok(words + (method == "HEAD" ? " (any answer shows the provider is reached; its token endpoint takes POST)" : ""))
    }

    /// `CN = localhost, issued by CN = Test CA, valid until Dec  3 15:04:05 2027 GMT; then …`
    static func chainWords(_ chain: [CurlProbe.Certificate]) -> String {
        guard !chain.isEmpty else { return "no certificate shown" }
        return "chain " + chain.prefix(4).map { certificate in
            DisplayText.line("\(certificate.subject), issued by \(certificate.issuer), valid until \(certificate.notAfter)", maxBytes: 300)
        }.joined(separator: " <- ")
    }

    /// `body`'s result, or nil when it takes longer than `seconds` (it is cancelled then).
    static func within<T: Sendable>(seconds: Double, _ body: @escaping @Sendable () async -> T) async -> T? {
        await withTaskGroup(of: T?.self) { group in
            group.addTask { await body() }
            group.addTask {
                try? await Task.sleep(for: .milliseconds(Int64(seconds * 1000)))
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }
}

// SPDX-License-Identifier: Apache-2.0
import Primitives
import OAuthProvider
import DeviceAuthConfig

/// What a provider (or whatever answers in its place: a proxy, a captive portal)
/// sends back, through the same functions the daemon uses.
enum ProviderAnswerTargets {
    static let now = Moment(wall: WallTime(timeIntervalSince1970: 1_800_000_000), boot: BootInstant(bootID: "fuzz", seconds: 100),
                            wallSynchronized: true)
    static let credentials = ClientCredentials(clientID: "fuzz-camera", clientSecret: "fuzz-secret")
    static let endpoints = ProviderEndpoints(deviceAuthorization: "https://id.example/device", token: "https://id.example/token",
                                             revocation: "https://id.example/revoke", authorization: "https://id.example/authorize")
    /// Every dialect of the table, chosen by the input's first byte (a new dialect is fuzzed as it is added).
    static let profiles: [ProviderProfile] = ProviderDialect.all.map { $0.profile(endpoints: endpoints) }

    static func profile(_ bytes: [UInt8]) -> ProviderProfile { profiles[Int(bytes.first ?? 0) % profiles.count] }

    static func token(_ bytes: [UInt8]) throws(PropertyViolation) {
        let transport = FixedTransport(answer: HTTPAnswerInput.answer(bytes)), profile = profile(bytes)
        let old = Grant(accessToken: "old-access", refreshToken: "old-refresh", accessExpiresAt: now.wall, obtainedAt: now.wall,
                        obtainedBoot: now.boot, scope: "offline")
        let result = runToEnd { () -> Result<Grant, OAuthFailure> in
            do throws(OAuthFailure) {
                return .success(try await RefreshGrant.refresh(transport, profile: profile, url: "https://id.example/token",
                                                               credentials: credentials, grant: old, now: now))
            } catch { return .failure(error) }
        }
        switch result {
        case .success(let grant):
            try require((200..<300).contains(transport.answer.status), "tokens taken from a \(transport.answer.status) answer")
            try requireOpaque(grant.accessToken, "access token")
            try requireOpaque(grant.refreshToken ?? "", "refresh token")
            let lifetime = grant.accessExpiresAt.timeIntervalSince(now.wall)
            try require(lifetime.isFinite && lifetime > 0 && lifetime <= 366 * 86_400, "access token lifetime \(lifetime)")
        case .failure(let failure):
            try checkFailure(failure)
        }
    }

    static func deviceCode(_ bytes: [UInt8]) throws(PropertyViolation) {
        let transport = FixedTransport(answer: HTTPAnswerInput.answer(bytes)), profile = profile(bytes)
        let result = runToEnd { () -> Result<DeviceCodeSession, OAuthFailure> in
            do throws(OAuthFailure) {
                return .success(try await DeviceAuthorization.request(transport, profile: profile, url: "https://id.example/device",
                                                                      credentials: credentials, scope: "offline", qrPairing: true, now: now))
            } catch { return .failure(error) }
        }
        switch result {
        case .success(let session):
            try requireOpaque(session.deviceCode, "device code")
            try requireOpaque(session.userCode, "user code")
            try require(session.interval >= 1 && session.interval <= 3600, "poll interval \(session.interval)")
            let lifetime = session.expiresAt.timeIntervalSince(now.wall)
            try require(lifetime.isFinite && lifetime > 0, "device code lifetime \(lifetime)")
            for uri in [session.verificationURI, session.verificationURIComplete].compactMap({ $0 }) {
                try require(uri.hasPrefix("https://") || uri.hasPrefix("http://"), "verification URI \(uri.prefix(40)) is not http(s)")
                try requireOpaque(uri, "verification URI")
            }
        case .failure(let failure):
            try checkFailure(failure)
        }
    }

    /// An error answer as each grant's classifier reads it.
    static func error(_ bytes: [UInt8]) throws(PropertyViolation) {
        let answer = HTTPAnswerInput.answer(bytes)
        if let error = OAuthAnswer.serverError(answer.body) {
            try require(!error.code.isEmpty && error.code.count <= 64 && error.code.allSatisfy { $0.isASCII }, "error code \(error.code.prefix(80))")
            try checkPrintable(error.description, "server error")
        }
        do throws(OAuthFailure) {
            try OAuthAnswer.check(answer, body: .json)
        } catch {
            let classifier = profile(bytes).classifier
            for classified in [error, classifier.poll(error), classifier.refresh(error), classifier.codeExchange(error)] {
                try checkFailure(classified)
            }
        }
    }

    static func discovery(_ bytes: [UInt8]) throws(PropertyViolation) {
        let needs: [ProviderEndpoints.Need] = bytes.first.map { $0 & 1 == 0 ? [.deviceAuthorization] : [.authorization] } ?? []
        let checked: Result<ProviderMetadata, DiscoveryError>
        do throws(DiscoveryError) {
            checked = .success(try ProviderDiscovery.check(bytes, url: "https://id.example/.well-known/oauth-authorization-server",
                                                           issuer: "https://id.example", needs: needs, now: 0))
        } catch { checked = .failure(error) }
        switch checked {
        case .success(let metadata):
            try require(metadata.issuer == "https://id.example", "another issuer accepted")
            try require(metadata.endpoints.unusable == nil && metadata.endpoints.missing(needs) == nil, "unusable endpoints accepted")
        case .failure(let error):
            try checkPrintable(error.description, "discovery error")
        }
    }

    /// A failure is shown in STATUS and the journal: its words must come out whole and bounded.
    static func checkFailure(_ failure: OAuthFailure) throws(PropertyViolation) {
        if let wait = failure.retryAfterSeconds {
            try require(wait.isFinite && wait >= 0 && wait <= 86_400, "rate-limit wait \(wait)")
        }
        try checkPrintable(failure.description, "failure")
    }

    static func checkPrintable(_ text: String, _ what: String) throws(PropertyViolation) {
        try require(text.utf8.count <= 1024, "\(what) text of \(text.utf8.count) bytes: \(text.prefix(300))")
        try require(!text.unicodeScalars.contains { $0 == "\n" || $0 == "\r" || $0.value == 0 }, "\(what) text breaks the line: \(text.prefix(80))")
    }
}

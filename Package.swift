// swift-tools-version:6.2
// SPDX-License-Identifier: Apache-2.0
// deviceauthd: OAuth 2.0 device pairing and token daemon for Linux cameras.
// Dependencies come from the local mirror at the versions the machine notes
// list, pinned `exact:` so every build resolves the same graph.
import PackageDescription

// The daemon runs on executors of its own (no libdispatch pool, no idle wake-ups) where the
// toolchain offers Swift 6.3's experimental executor interface; on Swift's own executors with
// any other toolchain, or when DEVICEAUTHD_EXECUTOR=swift is in the build's environment.
#if compiler(>=6.3)
let daemonExecutor = Context.environment["DEVICEAUTHD_EXECUTOR"] != "swift"
#else
let daemonExecutor = false
#endif

let package = Package(
    name: "deviceauthd",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "deviceauthd", targets: ["deviceauthd"]),
        .executable(name: "deviceauthctl", targets: ["deviceauthctl"]),
        .library(name: "FakeProvider", targets: ["FakeProvider"]),
        .library(name: "FuzzTargets", targets: ["FuzzTargets"]),
        .executable(name: "deviceauth-fake-provider", targets: ["deviceauth-fake-provider"]),
    ],
    dependencies: [
        // No default traits: they pull in swift-configuration and full Foundation we do not use.
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", exact: "2.28.1", traits: []),
        .package(url: "https://github.com/swift-server/async-http-client.git", exact: "1.37.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", exact: "2.101.3"),
        .package(url: "https://github.com/apple/swift-http-types.git", exact: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", exact: "2.13.0"),
        // 4.x uses FoundationEssentials on Linux, so the daemon stays free of full Foundation.
        .package(url: "https://github.com/apple/swift-crypto.git", exact: "4.5.2"),
    ],
    targets: [
        // System libraries, from Debian's -dev packages (Scripts/setup installs them).
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CLinux"),
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),

        // Text from elsewhere (provider names, redirect errors) made safe for a terminal,
        // STATUS= and the journal: no controls, no bidi overrides. For the daemon and the CLI.
        .target(name: "DisplayText"),
        // The release's version, in one place, for both binaries (the CLI links nothing else of the daemon).
        .target(name: "Release"),
        // Times as 64-bit counts whatever the platform's time_t: calendar arithmetic past 2038
        // and 2106, and conversions that saturate instead of trapping. No dependencies.
        .target(name: "EpochTime"),
        // What several modules need and no engine: hashing (SHA-256, HMAC), hex and base64, the
        // clock protocol and its readings (wall and boot), times as text.
        .target(name: "Primitives", dependencies: ["CCrypto", "CLinux", "EpochTime"]),
        // Codable to and from JSON without Foundation: for the daemon, the CLI and the wire format.
        .target(name: "JSONCoding", dependencies: ["DisplayText"]),
        // Grants and provider talk: one file per OAuth grant, provider profiles, endpoints and
        // discovery, the grant and failure values. It cannot see the engine that drives it.
        .target(name: "OAuthProvider", dependencies: ["CCrypto", "JSONCoding", "DisplayText", "Release", "EpochTime", "Primitives"]),
        // The engine: the pairing state machine and the actor that carries out its effects.
        // No UI, socket, systemd, HTTP or SQLite: the executables wire those in.
        .target(
            name: "DeviceAuth",
            dependencies: [
                "OAuthProvider", "Primitives",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The configuration: the INI file with drop-ins and line-numbered errors, the one table of
        // keys, validation, the client secret and proxy credentials read where they are named.
        .target(name: "DeviceAuthConfig", dependencies: ["DeviceAuth", "OAuthProvider", "Primitives", "DisplayText", "CLinux"]),
        // The engine's GrantStore in SQLite: the token store, its schema marks, sealing with the
        // token key. Depends on the engine for what it stores; the engine knows only the protocol.
        .target(name: "TokenStorage", dependencies: ["DeviceAuth", "OAuthProvider", "Primitives", "CSQLite", "CCrypto", "JSONCoding"]),
        // HTTPTransport on the system's libcurl and OpenSSL (the camera's own TLS stack and trust store).
        .systemLibrary(name: "CMicroHTTPD", pkgConfig: "libmicrohttpd", providers: [.apt(["libmicrohttpd-dev"])]),
        // The local API forwarder: requests from programs on the camera to the provider's API,
        // with the token added; HTTP parsed by libmicrohttpd, sent on by libcurl.
        .target(name: "Forwarder", dependencies: [
            "AccessPolicy", "CLinux", "CMicroHTTPD", "CurlHTTP", "JSONCoding", "OAuthProvider", "Primitives", "Threads", .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "CurlHTTP", dependencies: ["CCurl", "OAuthProvider", "Primitives", "Threads"]),
        // A detached pthread for work that waits in the kernel (shared by the modules below).
        .target(name: "Threads"),
        // The daemon's executor and signal thread: no libdispatch worker pool, so no idle wake-ups.
        .target(name: "DaemonRuntime", dependencies: ["CLinux", "Threads"],
                swiftSettings: daemonExecutor ? [.define("DAEMON_EXECUTOR")] : []),
        // sd_notify, the watchdog, the journal, machine and boot ids (their protocols and files, no libsystemd), and the
        // engine's real clock.
        .target(
            name: "Systemd",
            dependencies: ["CLinux", "Primitives", "Threads", .product(name: "Logging", package: "swift-log")]
        ),
        // QR codes of the pairing URL (encoder in Swift): terminal, PNG and SVG renderings.
        .target(name: "QRCode", dependencies: ["DisplayText"]),
        // The control socket's wire format and a client: all deviceauthctl links.
        // Who may do what, for every way into the daemon: roles from the kernel's peer
        // credentials and the config's lists, what each role may do, refusals logged sparingly.
        .target(name: "AccessPolicy", dependencies: ["CLinux"]),
        .target(name: "ControlProtocol", dependencies: ["AccessPolicy", "JSONCoding", "CLinux"]),
        // The control socket's server side: roles from peer credentials, the engine behind it.
        .target(
            name: "Control",
            dependencies: [
                "AccessPolicy", "CLinux", "ControlProtocol", "DeviceAuth", "OAuthProvider", "DeviceAuthConfig", "Primitives", "JSONCoding", "Threads", "EpochTime", "Release",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Command-line options without swift-argument-parser (which brings FoundationEssentials).
        .target(name: "CommandOptions"),
        // Released with Swift's runtime linked in and the system's C and C++ libraries shared, as
        // the daemon has them: 6.4 MB stripped where the static executable was 7.4 (budget 7; the
        // static glibc's locale and iconv code was the difference), the C library patched with the
        // system's, and no static-NSS trap. The price: about 2 ms more to start (Scripts/bench,
        // "deviceauthctl token, whole process"), nothing beside a minute's uploads. lld drops unused
        // sections and packs the relative relocations (DT_RELR) as for the daemon.
        .executableTarget(
            name: "deviceauthctl", dependencies: ["ControlProtocol", "DisplayText", "QRCode", "CommandOptions", "Release", "CLinux"],
            linkerSettings: [.unsafeFlags(["-use-ld=lld", "-Xlinker", "--gc-sections", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs"], .when(configuration: .release))]
        ),
        .executableTarget(
            name: "deviceauthd",
            dependencies: [
                "DeviceAuth", "OAuthProvider", "DeviceAuthConfig", "Primitives", "TokenStorage", "CurlHTTP", "Systemd", "AccessPolicy", "Control", "ControlProtocol", "Forwarder", "QRCode", "CommandOptions", "DaemonRuntime",
                "DisplayText", "Threads", "EpochTime", "CLinux",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            // Released with its relative relocations packed (DT_RELR, glibc 2.36+; gold
            // cannot, lld can): still position independent, 0.7 MiB smaller on disk and
            // 1 MiB less resident, the loader no longer reading 29,000 relocation records.
            linkerSettings: [.unsafeFlags(["-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs"], .when(configuration: .release))]
        ),

        // The fake Frame.io C2C provider: the test double of every test and the engine of the demo.
        .target(
            name: "FakeProvider",
            dependencies: [
                "DisplayText",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "deviceauth-fake-provider",
            dependencies: [
                "FakeProvider",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // The parsers of untrusted input as fuzz targets: fuzzed by Scripts/fuzz (Fuzz/, libFuzzer),
        // their corpora replayed by the tests. Never part of a shipped binary.
        .target(name: "FuzzTargets", dependencies: ["Forwarder", "OAuthProvider", "DeviceAuthConfig", "Primitives", "TokenStorage", "Control", "ControlProtocol", "JSONCoding", "QRCode"]),

        // What the test targets share: the fake on a loopback port, a real HTTP
        // client, subprocesses of our own binaries.
        .target(
            name: "TestSupport",
            dependencies: [
                "FakeProvider", "DaemonRuntime",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Tests/TestSupport"
        ),
        .testTarget(
            name: "FakeProviderTests",
            dependencies: ["FakeProvider", "TestSupport"]
        ),
        .testTarget(
            name: "DeviceAuthTests",
            dependencies: [
                "DeviceAuth", "OAuthProvider", "DeviceAuthConfig", "Primitives", "TokenStorage", "CurlHTTP", "TestSupport", "FakeProvider", "FuzzTargets", "EpochTime",
                "JSONCoding",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Two kinds of test. Unit tests: modules in-process, no binary started, no other uid,
        // no container (the targets above and DaemonUnitTests). System tests: the real
        // deviceauthd and deviceauthctl as subprocesses against the fake provider, other uids,
        // mount namespaces (SystemTests; Scripts/test runs them again on Swift's executors).
        .testTarget(
            name: "DaemonUnitTests",
            dependencies: ["DaemonRuntime", "AccessPolicy", "Control", "ControlProtocol", "Forwarder", "JSONCoding", "Systemd", "Threads", "CLinux"]
        ),
        .testTarget(
            name: "SystemTests",
            dependencies: ["TestSupport", "FakeProvider", "DeviceAuth", "OAuthProvider", "DeviceAuthConfig", "deviceauthd", "deviceauthctl", "deviceauth-fake-provider",
                           "AccessPolicy", "Control", "ControlProtocol", "CommandOptions", "Release", "Forwarder",
                           "JSONCoding", .product(name: "Logging", package: "swift-log")],
            exclude: ["Scripts"]
        ),
        .testTarget(name: "JSONCodingTests", dependencies: ["JSONCoding"]),
        .testTarget(name: "DisplayTextTests", dependencies: ["DisplayText", "JSONCoding"]),
        .testTarget(
            name: "QRCodeTests",
            dependencies: ["QRCode", "TestSupport"]
        ),
    ]
)

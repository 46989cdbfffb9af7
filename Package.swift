// swift-tools-version:6.2
// deviceauthd: OAuth 2.0 device pairing and token daemon for Linux cameras.
// Dependencies come from the local mirror at the versions the machine notes
// list, pinned `exact:` so every build resolves the same graph.
import PackageDescription

let package = Package(
    name: "deviceauthd",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "FakeProvider", targets: ["FakeProvider"]),
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
    ],
    targets: [
        // The fake Frame.io C2C provider: the test double of every test and the engine of the demo.
        .target(
            name: "FakeProvider",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
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
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "FakeProviderTests",
            dependencies: [
                "FakeProvider",
                "deviceauth-fake-provider",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
    ]
)

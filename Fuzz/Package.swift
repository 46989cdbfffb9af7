// SPDX-License-Identifier: Apache-2.0
// swift-tools-version:6.2
// The fuzz driver: libFuzzer around the FuzzTargets of the package above, built by
// Scripts/fuzz with -sanitize=fuzzer,address. A package of its own, so the sanitizer
// flags never reach the main build.
import Foundation
import PackageDescription

// SwiftPM names a package found by path after its directory, whatever a clone is called.
let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()

let package = Package(
    name: "DeviceAuthFuzz",
    platforms: [.macOS(.v14)],
    dependencies: [.package(path: "..")],
    targets: [
        .executableTarget(
            name: "deviceauth-fuzz",
            dependencies: [.product(name: "FuzzTargets", package: repository.lastPathComponent)]
        ),
    ]
)

// SPDX-License-Identifier: Apache-2.0
import Hummingbird

/// What the fake serves for each provider dialect deviceauthd speaks (its
/// `ProviderDialect.all`, by `Type=` name; a test checks the two tables name the
/// same dialects), and the [Provider] lines that point a daemon at it. Dialects
/// that share a server's routes (the standard ones) name the same route group.
public struct ServedDialect: Sendable {
    public enum Routes: Sendable, CaseIterable {
        /// Frame.io's `/v2/auth/…` and `/v2/devices/…` (docs/providers.md §1).
        case frameio
        /// A standard authorization server under `/oauth2` (RFC 8414, 8628, 6749, 7009).
        case standard
        /// CameraManager's `/oauth/token` and logout (docs/providers.md §3).
        case cameraManager
    }

    /// The `Type=` value.
    public let name: String
    public let routes: Routes
    /// [Provider] lines for a daemon speaking this dialect to the fake at `baseURL`
    /// (a client the fake knows; its secret is the fake's `clientSecret`).
    public let providerLines: @Sendable (_ baseURL: String) -> String
}

extension FakeProvider {
    public static let dialects: [ServedDialect] = [
        ServedDialect(name: "frameio-c2c", routes: .frameio) { "Type=frameio-c2c\nBaseURL=\($0)\n" },
        ServedDialect(name: "oauth2-device", routes: .standard) { "Type=oauth2-device\nIssuer=\($0)\(standardPrefix)\nClientID=basic-client\n" },
        ServedDialect(name: "oauth2", routes: .standard) { "Type=oauth2\nIssuer=\($0)\(standardPrefix)\nClientID=basic-client\nScope=openid offline\n" },
        ServedDialect(name: "cameramanager", routes: .cameraManager) { "Type=cameramanager\nBaseURL=\($0)\nClientID=fake-camera-model\n" },
    ]

    func addRoutes(_ routes: ServedDialect.Routes, to router: Router<FakeRequestContext>) {
        switch routes {
        case .frameio:
            addAuthRoutes(to: router)
            addDeviceRoutes(to: router)
            addEchoRoutes(to: router)
        case .standard:
            addStandardRoutes(to: router)
        case .cameraManager:
            addCameraManagerRoutes(to: router)
        }
    }
}

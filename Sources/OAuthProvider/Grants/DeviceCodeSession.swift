// SPDX-License-Identifier: Apache-2.0
import Primitives

/// One device code the daemon is polling with (RFC 8628 §3.2).
public struct DeviceCodeSession: Equatable, Sendable, CustomStringConvertible {
    /// Secret: proves to the token endpoint which code we poll. Never shown or logged.
    public var deviceCode: String
    /// Meant to be read: the person types it in.
    public var userCode: String
    public var verificationURI: String?
    public var verificationURIComplete: String?
    public var issuedAt: WallTime
    public var expiresAt: WallTime
    /// `issuedAt` on the boot clock, which decides expiry within this boot.
    public var issuedBoot: BootInstant?
    /// Seconds between polls; `slow_down` adds 5 for good.
    public var interval: Double

    public init(deviceCode: String, userCode: String, verificationURI: String?, verificationURIComplete: String?,
                issuedAt: WallTime, expiresAt: WallTime, issuedBoot: BootInstant? = nil, interval: Double) {
        self.issuedBoot = issuedBoot
        self.deviceCode = deviceCode
        self.userCode = userCode
        self.verificationURI = verificationURI
        self.verificationURIComplete = verificationURIComplete
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.interval = interval
    }

    public var description: String { "DeviceCodeSession(user code \(userCode), expires \(expiresAt))" }
}

/// What `GET /v2/devices/me` (or a provider's equivalent) told us about this device.
public struct DeviceInfo: Equatable, Sendable {
    public var deviceName: String?
    public var projectName: String?

    public init(deviceName: String?, projectName: String?) {
        self.deviceName = deviceName
        self.projectName = projectName
    }
}

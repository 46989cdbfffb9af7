// SPDX-License-Identifier: Apache-2.0

/// One reading of the device's two clocks.
///
/// The wall clock is what people read and what survives a reboot, but a camera
/// may boot at 1970 until NTP answers, and an administrator or NTP may step it
/// at any time. The boot clock (`CLOCK_BOOTTIME`) never jumps and keeps counting
/// through suspend, but starts again at zero on every boot, so its readings only
/// compare within one boot (one `bootID`). Token lifetimes are kept on both.
public struct Moment: Equatable, Sendable {
    public var wall: WallTime
    public var boot: BootInstant
    /// The kernel says the wall clock is synchronized (NTP or the like has set it).
    public var wallSynchronized: Bool

    public init(wall: WallTime, boot: BootInstant, wallSynchronized: Bool) {
        self.wall = wall
        self.boot = boot
        self.wallSynchronized = wallSynchronized
    }
}

/// A point on the boot clock: seconds since boot `bootID` began (may be
/// negative: a time before this boot, placed on its clock).
public struct BootInstant: Equatable, Sendable, Codable {
    public var bootID: String
    public var seconds: Double

    public init(bootID: String, seconds: Double) {
        self.bootID = bootID
        self.seconds = seconds
    }

    /// Seconds from `self` to `later`, when both are on the same boot's clock.
    public func seconds(until later: BootInstant) -> Double? {
        bootID == later.bootID ? later.seconds - seconds : nil
    }
}

// SPDX-License-Identifier: Apache-2.0
import Primitives
import Release

/// The release (`Release.version`), and what it implies of the clock.
public enum DeviceAuthVersion {
    public static let current = Release.version
    /// No clock running this release can rightly read earlier than this (2026-11-01 UTC):
    /// a wall clock before it is not set. Moved forward now and then, never past a release.
    public static let earliestPlausibleTime = WallTime(timeIntervalSince1970: 1_793_491_200)
}

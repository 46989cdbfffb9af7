/// The release, as `deviceauthd --version`, the Debian package and the metrics name it.
public enum DeviceAuthVersion {
    public static let current = "0.9.0"
    /// No clock running this release can rightly read earlier than this (2026-11-01 UTC):
    /// a wall clock before it is not set. Moved forward now and then, never past a release.
    public static let earliestPlausibleTime = WallTime(timeIntervalSince1970: 1_793_491_200)
}

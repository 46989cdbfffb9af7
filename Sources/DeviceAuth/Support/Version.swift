/// The release, as `deviceauthd --version`, the Debian package and the metrics name it.
public enum DeviceAuthVersion {
    public static let current = "0.9.0"
}

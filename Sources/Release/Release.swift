// SPDX-License-Identifier: Apache-2.0
/// The release, said once: `deviceauthd --version`, `deviceauthctl --version`, the
/// provider's user agent, the metrics' build info, and the Debian package's version
/// (Scripts/package reads the line below).
public enum Release {
    public static let version = "0.9.0"
}

// SPDX-License-Identifier: Apache-2.0

/// Times carried from one width to another without a trap: a `Double` of seconds
/// into a 32-bit `time_t` after 2038, a clock's nanoseconds into a `tv_sec`, a
/// server's lifetime into whole seconds. Swift's `Int32(x)` traps when `x` does
/// not fit; these give the nearest value that does, and say whether they had to.
public enum Saturating {
    /// `value` rounded towards minus infinity, as the nearest `T` (NaN as 0).
    public static func integer<T: FixedWidthInteger>(_ value: Double, as type: T.Type = T.self) -> T {
        guard !value.isNaN else { return 0 }
        let floor = value.rounded(.down)
        if floor >= Double(T.max) { return T.max }  // Double(T.max) may round up past it: compare with >=
        if floor <= Double(T.min) { return T.min }
        return T(floor)
    }

    /// `value` as `T` when it fits exactly, else nil: for places that must refuse, not clamp.
    public static func exactly<T: FixedWidthInteger, S: BinaryInteger>(_ value: S, as type: T.Type = T.self) -> T? {
        T(exactly: value)
    }

    /// `value` clamped into `T`.
    public static func clamped<T: FixedWidthInteger, S: BinaryInteger>(_ value: S, as type: T.Type = T.self) -> T {
        T(clamping: value)
    }
}

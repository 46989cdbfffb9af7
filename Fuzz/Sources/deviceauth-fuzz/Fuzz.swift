import FuzzTargets
#if canImport(Glibc)
import Glibc
#endif

/// The target named by $FUZZ_TARGET (Scripts/fuzz sets it), found once.
let target: FuzzTarget = {
    guard let name = getenv("FUZZ_TARGET").map({ String(cString: $0) }), let target = FuzzTarget(rawValue: name) else {
        fputs("deviceauth-fuzz: set FUZZ_TARGET to one of: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: " "))\n", stderr)
        exit(64)
    }
    return target
}()

/// libFuzzer's entry point (its own main calls it): one input; a broken property aborts,
/// so libFuzzer keeps the input as a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    do {
        try target.run(bytes)
    } catch {
        fputs("deviceauth-fuzz: \(target.rawValue): property broken: \(error)\n", stderr)
        abort()
    }
    return 0
}

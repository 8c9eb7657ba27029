// libFuzzer target: the front matter splitter and parser (scripts/fuzz.sh, ROCH_FUZZ=1).
// The check itself is FuzzChecks.frontMatter (Tests/FuzzChecks), which `make test` also runs on every seed and
// saved crash input in this folder (RochFuzzReplayTests).
import FuzzDriver
import RochFuzzChecks

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    FuzzChecks.crashOnFailure(FuzzChecks.frontMatter, data, size)
}

// SwiftPM's entry point for this executable (see FuzzDriver).
@_cdecl("FuzzFrontMatter_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzz)
}

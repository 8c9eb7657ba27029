// libFuzzer target: multipart/form-data bodies (first line the Content-Type) (scripts/fuzz.sh, ROCH_FUZZ=1).
// The check itself is FuzzChecks.multipart (Tests/FuzzChecks), which `make test` also runs on every seed and
// saved crash input in this folder (RochFuzzReplayTests).
import FuzzDriver
import RochFuzzChecks

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    FuzzChecks.crashOnFailure(FuzzChecks.multipart, data, size)
}

// SwiftPM's entry point for this executable (see FuzzDriver).
@_cdecl("FuzzMultipart_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzz)
}

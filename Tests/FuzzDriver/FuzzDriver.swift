// The entry point every libFuzzer target needs under SwiftPM.
//
// SwiftPM links each executable with `main` aliased to `<Module>_main` (--defsym on Linux), and a
// target built with -parse-as-library has no such symbol. Each fuzz target therefore defines
// `<Module>_main` (one line: `runFuzzer(argc, argv, fuzz)`), and this hands over to libFuzzer's
// driver, exactly as libFuzzer's own main() does.

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt) -> CInt

/// Runs libFuzzer with the process arguments and `fuzz` as LLVMFuzzerTestOneInput.
public func runFuzzer(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
                      _ fuzz: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv, fuzz)
}

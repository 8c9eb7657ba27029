// libFuzzer target for the front matter splitter and parser (scripts/fuzz.sh, ROCH_FUZZ=1).
// Any input must either parse or fail with a BuildError that points inside the file.
import RochSite
import FuzzDriver

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let lines = lineCount(text)
    do {
        let (fm, body) = try FrontMatterParser.parse(text, path: "fuzz.md")
        precondition(fm.bodyLine >= 1 && fm.bodyLine <= lines + 1, "body line \(fm.bodyLine) outside the file")
        precondition(text.hasSuffix(body), "body is not the end of the file")
        if let slug = fm.slug { precondition(!slug.contains("/"), "slug with a slash accepted") }
        precondition(fm.aliases.allSatisfy { $0.hasPrefix("/") }, "relative alias accepted")
    } catch let error as BuildError {
        precondition(error.path == "fuzz.md")
        if let line = error.line { precondition(line >= 1 && line <= lines + 1, "error line \(line) outside the file (\(lines) lines)") }
    } catch {
        preconditionFailure("unexpected error type: \(error)")
    }
    if size < 64 { _ = SiteDate.parse(text) }
    return 0
}

/// Lines as YAML and editors count them: "\r\n", a lone "\r" and "\n" each end a line. (Counted on
/// bytes: "\r\n" is a single Character in Swift.)
func lineCount(_ text: String) -> Int {
    var lines = 1
    var previousWasCR = false
    for b in text.utf8 {
        if b == UInt8(ascii: "\r") { lines += 1; previousWasCR = true; continue }
        if b == UInt8(ascii: "\n") && !previousWasCR { lines += 1 }
        previousWasCR = false
    }
    return lines
}

// SwiftPM's entry point for this executable (see FuzzDriver).
@_cdecl("FuzzFrontMatter_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzz)
}

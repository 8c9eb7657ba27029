// libFuzzer target for the front matter splitter and parser (scripts/fuzz.sh, ROCH_FUZZ=1).
// Any input must either parse or fail with a BuildError that points inside the file.
import RochSite

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).count
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

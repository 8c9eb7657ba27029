import RochSite

extension FuzzChecks {
    /// FuzzFrontMatter: any input either parses or fails with a BuildError that points inside the file;
    /// a parsed body is the end of the file, its first line inside it; slugs have no slash, aliases are absolute.
    @Sendable public static func frontMatter(_ bytes: [UInt8]) throws -> Bool {
        let text = String(decoding: bytes, as: UTF8.self)
        let lines = lineCount(text)
        var accepted = false
        do {
            let (fm, body) = try FrontMatterParser.parse(text, path: "fuzz.md")
            try require(fm.bodyLine >= 1 && fm.bodyLine <= lines + 1, "body line \(fm.bodyLine) outside the file (\(lines) lines)")
            try require(text.hasSuffix(body), "body is not the end of the file")
            if let slug = fm.slug { try require(!slug.contains("/"), "slug with a slash accepted: \(slug)") }
            try require(fm.aliases.allSatisfy { $0.hasPrefix("/") }, "relative alias accepted: \(fm.aliases)")
            accepted = true
        } catch let error as BuildError {
            try require(error.path == "fuzz.md", "error names \(error.path), not the file")
            if let line = error.line { try require(line >= 1 && line <= lines + 1, "error line \(line) outside the file (\(lines) lines)") }
        } catch let failure as FuzzCheckFailure {
            throw failure
        } catch {
            throw FuzzCheckFailure(description: "unexpected error type: \(error)")
        }
        if bytes.count < 64 { _ = SiteDate.parse(text) }
        return accepted
    }

    /// Lines as YAML and editors count them: "\r\n", a lone "\r" and "\n" each end a line. (Counted on
    /// bytes: "\r\n" is a single Character in Swift.)
    static func lineCount(_ text: String) -> Int {
        var lines = 1
        var previousWasCR = false
        for b in text.utf8 {
            if b == UInt8(ascii: "\r") { lines += 1; previousWasCR = true; continue }
            if b == UInt8(ascii: "\n") && !previousWasCR { lines += 1 }
            previousWasCR = false
        }
        return lines
    }
}

import Foundation

/// One content file: the home page, a section (`_index.md`) or a regular page.
public struct Page: @unchecked Sendable {
    public enum Kind: String, Sendable { case home, section, page }
    /// Path relative to the content folder: `services/weddings.md`.
    public var relativePath: String
    /// Path as given to the build, for error messages: `content/services/weddings.md`.
    public var filePath: String
    public var kind: Kind
    /// The top-level folder (`services`), empty for pages at the root.
    public var section: String
    /// The folder the page lists, for sections (`services`, `blog/2025`).
    public var directory: String
    /// Pretty URL path: `/services/weddings/`.
    public var url: String
    public var frontMatter: FrontMatter
    public var body: Substring
    public var modified: Date?

    public var title: String { frontMatter.title ?? URLBuilder.titleFromName(relativePath) }
    /// `services/weddings/index.html`
    public var outputPath: String { URLBuilder.outputPath(for: url) }
}

/// Hugo-compatible URLs: sections are folders, pages get pretty URLs (`/services/weddings/`).
public enum URLBuilder {
    /// The URL of a content file at `relativePath` (inside the content folder), with an optional slug.
    public static func url(for relativePath: String, slug: String? = nil) -> String {
        var parts = relativePath.split(separator: "/").map(String.init)
        guard let file = parts.popLast() else { return "/" }
        let stem = file.hasSuffix(".md") ? String(file.dropLast(3)) : file
        let dirs = parts.map(urlize)
        if stem == "_index" {
            return dirs.isEmpty ? "/" : "/" + dirs.joined(separator: "/") + "/"
        }
        if stem == "index" { // a page bundle: the folder is the page
            var d = dirs
            if let slug, !d.isEmpty { d[d.count - 1] = slug }
            return d.isEmpty ? "/" : "/" + d.joined(separator: "/") + "/"
        }
        let last = slug ?? urlize(stem)
        return "/" + (dirs + [last]).joined(separator: "/") + "/"
    }

    public static func kind(of relativePath: String) -> Page.Kind {
        if relativePath == "_index.md" { return .home }
        if relativePath.hasSuffix("/_index.md") { return .section }
        return .page
    }

    /// Lower case, spaces to hyphens, like Hugo's `urlize`.
    public static func urlize(_ segment: String) -> String {
        segment.lowercased().replacingOccurrences(of: " ", with: "-")
    }

    public static func outputPath(for url: String) -> String {
        if url.hasSuffix("/") { return String(url.dropFirst()) + "index.html" }
        return String(url.dropFirst())
    }

    static func titleFromName(_ relativePath: String) -> String {
        var parts = relativePath.split(separator: "/").map(String.init)
        var name = parts.popLast() ?? ""
        if name == "_index.md" || name == "index.md" { name = parts.last ?? "Home" }
        if name.hasSuffix(".md") { name = String(name.dropLast(3)) }
        let words = name.replacingOccurrences(of: "-", with: " ").replacingOccurrences(of: "_", with: " ")
        return words.prefix(1).uppercased() + words.dropFirst()
    }

    /// Resolves a link found on a page at `base` (a URL path) to a site path, or nil if external.
    public static func resolve(_ link: String, from base: String) -> String? {
        var l = link
        if let hash = l.firstIndex(of: "#") { l = String(l[..<hash]) }
        if let q = l.firstIndex(of: "?") { l = String(l[..<q]) }
        if l.isEmpty { return nil } // same page or fragment only
        if l.hasPrefix("//") { return nil }
        if let colon = l.firstIndex(of: ":"), !l[..<colon].contains("/") { return nil } // https:, mailto:, tel:
        let decoded = l.removingPercentEncoding ?? l
        var segments: [String]
        if decoded.hasPrefix("/") {
            segments = []
        } else {
            segments = base.split(separator: "/").map(String.init)
            if !base.hasSuffix("/") { _ = segments.popLast() }
        }
        for seg in decoded.split(separator: "/", omittingEmptySubsequences: true) {
            if seg == "." { continue }
            if seg == ".." { _ = segments.popLast(); continue }
            segments.append(String(seg))
        }
        var path = "/" + segments.joined(separator: "/")
        if decoded.hasSuffix("/") && path != "/" { path += "/" }
        return path
    }
}

/// Which pages a build includes.
public struct ContentFilter: Sendable {
    public var drafts = false
    public var future = false
    public var now = Date()

    public init(drafts: Bool = false, future: Bool = false, now: Date = Date()) {
        self.drafts = drafts
        self.future = future
        self.now = now
    }

    public func includes(_ fm: FrontMatter) -> Bool {
        if fm.draft && !drafts { return false }
        if let d = fm.date, d > now, !future { return false }
        return true
    }
}

/// Reads content files: lists them, then parses front matter (in parallel).
public enum ContentReader {
    /// Markdown files under `root`, relative, sorted; `data/` holds data files, not pages.
    public static func list(root: String) -> [String] {
        guard let e = FileManager.default.enumerator(atPath: root) else { return [] }
        var out: [String] = []
        while let p = e.nextObject() as? String {
            if p == "data" || p.hasPrefix("data/") { if p == "data" { e.skipDescendants() }; continue }
            if p.hasSuffix(".md") { out.append(p) }
        }
        return out.sorted()
    }

    /// Parses one file into a page; `displayRoot` prefixes paths in errors.
    public static func read(root: String, relativePath: String, displayRoot: String) throws -> Page {
        let full = root + "/" + relativePath
        let shown = displayRoot.isEmpty ? relativePath : displayRoot + "/" + relativePath
        let text: String
        do { text = try String(contentsOfFile: full, encoding: .utf8) } catch {
            throw BuildError(path: shown, message: "cannot read as UTF-8 text")
        }
        let (fm, body) = try FrontMatterParser.parse(text, path: shown)
        let kind = URLBuilder.kind(of: relativePath)
        let dirs = relativePath.split(separator: "/").dropLast().map(String.init)
        let url = URLBuilder.url(for: relativePath, slug: kind == .page ? fm.slug : nil)
        return Page(relativePath: relativePath, filePath: shown, kind: kind,
                    section: kind == .home ? "" : (dirs.first ?? ""),
                    directory: dirs.joined(separator: "/"), url: url, frontMatter: fm, body: body,
                    modified: nil)
    }
}

extension Page {
    /// The folder whose section lists this page (`services` for `services/weddings.md`,
    /// the parent folder for a bundle `about/index.md`).
    public var parentDirectory: String {
        var dirs = relativePath.split(separator: "/").dropLast().map(String.init)
        if relativePath.hasSuffix("/index.md") || relativePath == "index.md" { _ = dirs.popLast() }
        if kind == .section { _ = dirs.popLast() }
        return dirs.joined(separator: "/")
    }
}

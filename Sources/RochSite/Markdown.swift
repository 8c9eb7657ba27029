import CCmarkGFM
import Foundation

/// A link or image found in markdown, with its line in the source file, for the link check.
public struct MarkdownLink: Sendable, Equatable {
    public var url: String
    public var line: Int
    public var isImage: Bool
}

/// Markdown rendered to HTML, plus what the later steps need to know about it.
public struct RenderedMarkdown: Sendable {
    public var html: String
    public var links: [MarkdownLink]
    public var headings: [(level: Int, id: String, text: String)]
}

/// cmark-gfm with tables, strikethrough, autolinks, task lists, footnotes and tagfilter;
/// headings get stable `id`s. Raw HTML passes only when the site config allows it.
public struct MarkdownRenderer: Sendable {
    public var allowRawHTML: Bool
    private static let registered: Bool = {
        cmark_gfm_core_extensions_ensure_registered()
        return true
    }()
    static let extensionNames = ["table", "strikethrough", "autolink", "tasklist", "tagfilter"]

    public init(allowRawHTML: Bool = false) {
        self.allowRawHTML = allowRawHTML
        _ = Self.registered
    }

    /// Renders `markdown`; `firstLine` is the file line the markdown starts on (after front matter).
    public func render(_ markdown: Substring, firstLine: Int = 1) -> RenderedMarkdown {
        var options = CMARK_OPT_FOOTNOTES | CMARK_OPT_SMART | CMARK_OPT_GITHUB_PRE_LANG
        if allowRawHTML { options |= CMARK_OPT_UNSAFE }
        guard let parser = cmark_parser_new(options) else { return RenderedMarkdown(html: "", links: [], headings: []) }
        defer { cmark_parser_free(parser) }
        for name in Self.extensionNames {
            if let ext = cmark_find_syntax_extension(name) { cmark_parser_attach_syntax_extension(parser, ext) }
        }
        var text = String(markdown)
        text.withUTF8 { buf in
            buf.withMemoryRebound(to: CChar.self) { cmark_parser_feed(parser, $0.baseAddress, $0.count) }
        }
        guard let doc = cmark_parser_finish(parser) else { return RenderedMarkdown(html: "", links: [], headings: []) }
        defer { cmark_node_free(doc) }

        var links: [MarkdownLink] = []
        var headingNodes: [OpaquePointer] = []
        let iter = cmark_iter_new(doc)
        while true {
            let ev = cmark_iter_next(iter)
            if ev == CMARK_EVENT_DONE { break }
            guard ev == CMARK_EVENT_ENTER, let node = cmark_iter_get_node(iter) else { continue }
            let type = cmark_node_get_type(node)
            if type == CMARK_NODE_LINK || type == CMARK_NODE_IMAGE {
                let url = cmark_node_get_url(node).map { String(cString: $0) } ?? ""
                var line = Int(cmark_node_get_start_line(node))
                if line == 0, let parent = cmark_node_parent(node) { line = Int(cmark_node_get_start_line(parent)) }
                links.append(MarkdownLink(url: url, line: firstLine + max(line, 1) - 1, isImage: type == CMARK_NODE_IMAGE))
            } else if type == CMARK_NODE_HEADING {
                headingNodes.append(node)
            }
        }
        cmark_iter_free(iter)

        // Marks each heading with a control-character token, replaced by an id after rendering.
        var headings: [(level: Int, id: String, text: String)] = []
        var used: [String: Int] = [:]
        for (i, node) in headingNodes.enumerated() {
            let plainText = Self.plainText(node)
            var id = Slug.make(plainText)
            if id.isEmpty { id = "section" }
            if let n = used[id] { used[id] = n + 1; id += "-\(n + 1)" } else { used[id] = 0 }
            headings.append((Int(cmark_node_get_heading_level(node)), id, plainText))
            let marker = cmark_node_new(CMARK_NODE_TEXT)
            cmark_node_set_literal(marker, "\u{1}\(i)\u{1}")
            cmark_node_prepend_child(node, marker)
        }

        let extList = cmark_parser_get_syntax_extensions(parser)
        guard let cHTML = cmark_render_html(doc, options, extList) else { return RenderedMarkdown(html: "", links: links, headings: headings) }
        var html = String(cString: cHTML)
        free(cHTML)
        if !headings.isEmpty { html = Self.injectIDs(html, headings: headings) }
        return RenderedMarkdown(html: html, links: links, headings: headings)
    }

    static func plainText(_ node: OpaquePointer) -> String {
        var out = ""
        let iter = cmark_iter_new(node)
        while true {
            let ev = cmark_iter_next(iter)
            if ev == CMARK_EVENT_DONE { break }
            guard ev == CMARK_EVENT_ENTER, let n = cmark_iter_get_node(iter) else { continue }
            let t = cmark_node_get_type(n)
            if t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE, let lit = cmark_node_get_literal(n) {
                out += String(cString: lit)
            }
        }
        cmark_iter_free(iter)
        return out
    }

    /// Replaces each `<hN>\u{1}i\u{1}` token with `<hN id="...">`, scanning bytes once.
    static func injectIDs(_ html: String, headings: [(level: Int, id: String, text: String)]) -> String {
        var source = html
        var out: [UInt8] = []
        source.withUTF8 { b in
            out.reserveCapacity(b.count + headings.count * 24)
            let n = b.count
            var i = 0
            while i < n {
                // `<hN>` immediately followed by the marker
                if b[i] == UInt8(ascii: "<"), i + 5 < n, b[i + 1] == UInt8(ascii: "h"), b[i + 3] == UInt8(ascii: ">"), b[i + 4] == 1 {
                    var j = i + 5
                    var index = 0
                    while j < n, b[j] >= 48, b[j] <= 57 { index = index * 10 + Int(b[j] - 48); j += 1 }
                    if j < n, b[j] == 1, index < headings.count {
                        out.append(contentsOf: "<h\(headings[index].level) id=\"\(headings[index].id)\">".utf8)
                        i = j + 1
                        continue
                    }
                }
                out.append(b[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// URL slugs and heading ids: lower case ASCII letters, digits and hyphens.
public enum Slug {
    public static func make(_ text: String) -> String {
        var out = ""
        var pendingHyphen = false
        for scalar in text.lowercased().unicodeScalars {
            if scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
                if pendingHyphen && !out.isEmpty { out += "-" }
                pendingHyphen = false
                out.unicodeScalars.append(scalar)
            } else if scalar == "'" || scalar == "’" {
                continue
            } else {
                pendingHyphen = true
            }
        }
        return out
    }
}

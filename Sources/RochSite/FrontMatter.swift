import Foundation
import Yams

/// The front matter of a content file, typed, with the line of every field for error messages.
public struct FrontMatter: @unchecked Sendable {
    public var title: String?
    public var slug: String?
    public var description: String?
    public var date: Date?
    public var draft = false
    public var tags: [String] = []
    public var weight = 0
    public var layout: String?
    public var aliases: [String] = []
    public var image: String?
    /// Kept out of the sitemap and marked `noindex` for search engines (thank-you pages, portal).
    public var noindex = false
    /// Every other field, for templates (`{{page.params.hero}}`).
    public var params: [String: Any] = [:]
    /// 1-based line in the file where the body (markdown) starts.
    public var bodyLine = 1

    public init() {}
}

/// Splits `---` YAML front matter from the markdown body and types the known fields.
public enum FrontMatterParser {
    /// Returns (yaml, body, bodyLine); yaml is nil when the file has no front matter.
    public static func split(_ text: String, path: String) throws -> (yaml: String?, body: Substring, bodyLine: Int) {
        var s = Substring(text)
        if s.hasPrefix("\u{FEFF}") { s = s.dropFirst() }
        // Lines are split on the byte "\n": Swift treats "\r\n" as one Character, so CRLF files
        // (Windows editors) would otherwise never match.
        let newline = UInt8(ascii: "\n")
        func isFence(_ line: Substring, _ marks: [String]) -> Bool {
            marks.contains(line.trimmingCharacters(in: CharacterSet(charactersIn: " \t\r")))
        }
        guard let firstEnd = s.utf8.firstIndex(of: newline), isFence(s[s.startIndex..<firstEnd], ["---"]) else {
            return (nil, s, 1)
        }
        var line = 2
        var cursor = s.utf8.index(after: firstEnd)
        let yamlStart = cursor
        while cursor < s.endIndex {
            let lineEnd = s.utf8[cursor...].firstIndex(of: newline) ?? s.endIndex
            if isFence(s[cursor..<lineEnd], ["---", "..."]) {
                let yaml = String(s[yamlStart..<cursor])
                let bodyStart = lineEnd < s.endIndex ? s.utf8.index(after: lineEnd) : s.endIndex
                return (yaml, s[bodyStart...], line + 1)
            }
            line += 1
            cursor = lineEnd < s.endIndex ? s.utf8.index(after: lineEnd) : s.endIndex
        }
        throw BuildError(path: path, line: 1, message: "front matter: opening '---' has no closing '---'")
    }

    /// Parses a whole content file: front matter (typed) and body.
    public static func parse(_ text: String, path: String) throws -> (FrontMatter, Substring) {
        let (yaml, body, bodyLine) = try split(text, path: path)
        var fm = try yaml.map { try typed($0, path: path) } ?? FrontMatter()
        fm.bodyLine = bodyLine
        return (fm, body)
    }

    /// Types the YAML text of a front matter block; lines are reported relative to the file
    /// (the YAML starts on line 2, after the opening `---`).
    public static func typed(_ yaml: String, path: String) throws -> FrontMatter {
        var fm = FrontMatter()
        let node: Node?
        do {
            node = try Yams.compose(yaml: yaml, .default, .default, .utf8) // explicit: `.default` reads the environment on every call
        } catch let error as YamlError {
            throw yamlError(error, path: path)
        } catch {
            throw BuildError(path: path, line: 1, message: "front matter: \(error)")
        }
        guard let node else { return fm }
        guard let mapping = node.mapping else {
            throw BuildError(path: path, line: line(of: node), message: "front matter must be a mapping of 'field: value'")
        }
        for (keyNode, value) in mapping {
            guard let key = keyNode.string else { continue }
            func fail(_ problem: String) -> BuildError {
                BuildError(path: path, line: line(of: value), field: key, message: problem)
            }
            func string() throws -> String {
                guard let scalar = value.scalar else { throw fail("must be text") }
                return scalar.string
            }
            func strings() throws -> [String] {
                if let seq = value.sequence {
                    return try seq.map { item in
                        guard let s = item.scalar?.string else { throw fail("must be a list of text") }
                        return s
                    }
                }
                if let scalar = value.scalar, !scalar.string.isEmpty { return [scalar.string] }
                if value.scalar != nil { return [] }
                throw fail("must be a list")
            }
            switch key {
            case "title": fm.title = try string()
            case "slug":
                let slug = try string()
                guard !slug.isEmpty, !slug.contains("/"), slug != ".", slug != ".." else {
                    throw fail("must be one URL segment without '/'")
                }
                fm.slug = slug
            case "description": fm.description = try string()
            case "date":
                guard let date = SiteDate.parse(try string()) else {
                    throw fail("is not a date (use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS+05:30)")
                }
                fm.date = date
            case "draft":
                guard let b = value.bool else { throw fail("must be true or false") }
                fm.draft = b
            case "tags": fm.tags = try strings()
            case "weight":
                guard let w = value.int else { throw fail("must be a whole number") }
                fm.weight = w
            case "layout": fm.layout = try string()
            case "aliases":
                fm.aliases = try strings()
                for alias in fm.aliases where !alias.hasPrefix("/") {
                    throw fail("entries must be site paths starting with '/' ('\(alias)')")
                }
            case "image": fm.image = try string()
            case "noindex":
                guard let b = value.bool else { throw fail("must be true or false") }
                fm.noindex = b
            default: fm.params[key] = plain(value)
            }
        }
        return fm
    }

    static func line(of node: Node) -> Int { (node.mark?.line ?? 0) + 1 }

    static func yamlError(_ error: YamlError, path: String) -> BuildError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
             .composer(_, let problem, let mark, _):
            return BuildError(path: path, line: mark.line + 1, message: "front matter: YAML \(problem)")
        default:
            return BuildError(path: path, line: 1, message: "front matter: \(error)")
        }
    }

    /// YAML node to plain values templates can use (String, Int, Double, Bool, arrays, dictionaries).
    public static func plain(_ node: Node) -> Any {
        switch node {
        case .scalar(let scalar):
            if scalar.style == .plain {
                if let b = node.bool { return b }
                if let i = node.int { return i }
                if let d = node.float { return d }
                if node.null != nil { return "" }
            }
            return scalar.string
        case .sequence(let seq): return seq.map(plain)
        case .mapping(let map):
            var dict: [String: Any] = [:]
            for (k, v) in map { if let key = k.string { dict[key] = plain(v) } }
            return dict
        case .alias: return ""
        }
    }
}

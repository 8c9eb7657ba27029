import Foundation
import Yams

/// `content/data/*.yaml` (packages, testimonials, team, FAQs): available to every template as `data.<name>`.
public enum DataFiles {
    public static func load(directory: String, display: String) throws -> [String: Any] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [:] }
        var data: [String: Any] = [:]
        for name in names.sorted() where name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
            let path = directory + "/" + name
            let shown = display + "/" + name
            let text = try String(contentsOfFile: path, encoding: .utf8)
            do {
                guard let node = try Yams.compose(yaml: text) else { continue }
                let key = String(name.prefix { $0 != "." })
                data[key] = FrontMatterParser.plain(node)
            } catch let e as YamlError {
                var err = FrontMatterParser.yamlError(e, path: shown).shifted(by: -1)
                err.message = err.message.replacingOccurrences(of: "front matter: ", with: "data file: ")
                throw err
            }
        }
        return data
    }
}

/// Internal links must lead somewhere: a page, a redirect, an asset or a generated file.
public enum LinkCheck {
    public static func exists(_ path: String, in known: Set<String>) -> Bool {
        if known.contains(path) { return true }
        if !path.hasSuffix("/"), known.contains(path + "/") { return true }
        if path.hasSuffix("/index.html"), known.contains(String(path.dropLast("index.html".count))) { return true }
        return false
    }

    public static func check(page: Page, links: [MarkdownLink], known: Set<String>) -> [BuildError] {
        var errors: [BuildError] = []
        for link in links {
            guard let path = URLBuilder.resolve(link.url, from: page.url) else { continue }
            if !exists(path, in: known) {
                let what = link.isImage ? "image" : "link"
                errors.append(BuildError(path: page.filePath, line: link.line,
                                         message: "\(what) to '\(link.url)': no page or asset at \(path)"))
            }
        }
        return errors
    }

    /// Root-relative `href`/`src` values in rendered HTML (links that layouts add).
    public static func rootLinks(in html: String) -> [String] {
        var out: [String] = []
        var rest = Substring(html)
        while let r = rest.range(of: "=\"/") {
            let before = rest[..<r.lowerBound].suffix(4)
            let after = rest[r.upperBound...]
            rest = after
            guard before.hasSuffix("href") || before.hasSuffix("src") else { continue }
            if after.hasPrefix("/") { continue } // protocol-relative
            guard let end = after.firstIndex(of: "\"") else { break }
            out.append("/" + after[..<end])
        }
        return out
    }
}

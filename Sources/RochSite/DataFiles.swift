import Foundation
import RochCore
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
                guard let node = try Yams.compose(yaml: text, .default, .default, .utf8) else { continue }
                let key = String(name.prefix { $0 != "." })
                data[key] = FrontMatterParser.plain(node)
            } catch let e as YamlError {
                var err = FrontMatterParser.yamlError(e, path: shown).shifted(by: -1)
                err.message = err.message.replacingOccurrences(of: "front matter: ", with: "data file: ")
                throw err
            }
        }
        data["booking"] = bookingChoices
        return data
    }

    /// The booking form's choices as `data.booking` (event_types, services, budgets). They come from
    /// RochCore's enquiry options, the same list the booking function validates against, so the form can
    /// never offer a value the function refuses.
    public static var bookingChoices: [String: Any] {
        func list(_ options: [FormOption]) -> [[String: Any]] { options.map { ["value": $0.value, "label": $0.label] } }
        return ["event_types": list(EventType.options), "services": list(EventService.options), "budgets": list(BudgetRange.options)]
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

    /// Root-relative `href`/`src` values in rendered HTML (links that layouts add). Scans bytes:
    /// Foundation's `range(of:)` was a tenth of the build time on 10,000 pages.
    public static func rootLinks(in html: String) -> [String] {
        var out: [String] = []
        var copy = html
        copy.withUTF8 { b in
            let n = b.count
            var i = 0
            while i + 2 < n {
                // `="/` not followed by another `/`, preceded by `href` or `src`
                if b[i] == UInt8(ascii: "="), b[i + 1] == UInt8(ascii: "\""), b[i + 2] == UInt8(ascii: "/"),
                   i + 3 < n, b[i + 3] != UInt8(ascii: "/") {
                    let isHref = i >= 4 && b[i - 4] == UInt8(ascii: "h") && b[i - 3] == UInt8(ascii: "r")
                        && b[i - 2] == UInt8(ascii: "e") && b[i - 1] == UInt8(ascii: "f")
                    let isSrc = i >= 3 && b[i - 3] == UInt8(ascii: "s") && b[i - 2] == UInt8(ascii: "r") && b[i - 1] == UInt8(ascii: "c")
                    let start = i + 2
                    var end = start
                    while end < n && b[end] != UInt8(ascii: "\"") { end += 1 }
                    if isHref || isSrc, end < n {
                        out.append(String(decoding: UnsafeBufferPointer(rebasing: b[start..<end]), as: UTF8.self))
                    }
                    i = end
                    continue
                }
                i += 1
            }
        }
        return out
    }
}

import Foundation
import Mustache

/// The Mustache layouts of `site/layouts`: a `base` layout that others extend
/// (`{{<base}}{{$main}}...{{/main}}{{/base}}`), partials in `layouts/partials/`.
public struct TemplateSet: Sendable {
    public let library: MustacheLibrary
    public let names: Set<String>
    public let directory: String

    public init(directory: String) throws {
        var library = MustacheLibrary()
        var names: Set<String> = []
        let fm = FileManager.default
        guard let e = fm.enumerator(atPath: directory) else {
            throw BuildError(path: directory, message: "no layouts folder")
        }
        while let rel = e.nextObject() as? String {
            guard rel.hasSuffix(".mustache") else { continue }
            let path = directory + "/" + rel
            let text = try String(contentsOfFile: path, encoding: .utf8)
            let name = String(rel.dropLast(".mustache".count))
            do {
                let template = try MustacheTemplate(string: text)
                library.register(template, named: name)
                names.insert(name)
                if name.hasPrefix("partials/") {
                    let short = String(name.dropFirst("partials/".count))
                    library.register(template, named: short)
                    names.insert(short)
                }
            } catch let error as MustacheTemplate.ParserError {
                throw BuildError(path: path, line: error.context.lineNumber,
                                 message: "template: \(error.error) near '\(error.context.line.trimmingCharacters(in: .whitespaces))'")
            }
        }
        self.library = library
        self.names = names
        self.directory = directory
    }

    /// Layout for a page: front matter `layout`, then `<section>-single`/`<section>-list`,
    /// then `single`, `list` or `home` (like Hugo's lookup order, flattened).
    public func layout(for page: Page) throws -> String {
        if let l = page.frontMatter.layout {
            // An explicit layout must exist: silently using another one hides typos.
            guard names.contains(l) else {
                throw BuildError(path: page.filePath, field: "layout",
                                 message: "names '\(l)' but \(directory)/\(l).mustache does not exist")
            }
            return l
        }
        let candidates: [String]
        switch page.kind {
        case .home: candidates = ["home", "list"]
        case .section: candidates = ["\(page.section)-list", "list"]
        case .page: candidates = ["\(page.section)-single", "single"]
        }
        if let found = candidates.first(where: names.contains) { return found }
        throw BuildError(path: page.filePath, message: "no layout: add \(directory)/\(candidates.last!).mustache")
    }

    public func render(_ context: [String: Any], layout: String) -> String {
        library.render(context, withTemplate: layout) ?? ""
    }
}

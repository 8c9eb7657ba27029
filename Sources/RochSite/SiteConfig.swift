import Foundation
import Yams

/// `site/config.yaml`: the site's title, address and editor choices such as raw HTML.
public struct SiteConfig: @unchecked Sendable {
    public var title = "Site"
    public var baseURL = "http://localhost:8080"
    public var description = ""
    public var language = "en-IN"
    /// Raw HTML in markdown: off unless the editor turns it on (`markdown: {unsafe: true}`).
    public var allowRawHTML = false
    /// Default social-card image path.
    public var image: String?
    /// The section whose pages get a feed (`/blog/feed.xml`).
    public var feedSection = "blog"
    /// Everything in the file, for templates (`{{site.params.business.phone}}`).
    public var params: [String: Any] = [:]

    public init() {}

    public static func load(path: String) throws -> SiteConfig {
        var config = SiteConfig()
        guard FileManager.default.fileExists(atPath: path) else { return config }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let node: Node?
        do { node = try Yams.compose(yaml: text, .default, .default, .utf8) } catch let e as YamlError {
            throw FrontMatterParser.yamlError(e, path: path).shifted(by: -1)
        }
        guard let node, let map = node.mapping else { return config }
        for (k, v) in map {
            guard let key = k.string else { continue }
            let line = v.mark?.line
            func text() throws -> String {
                guard let s = v.scalar?.string else { throw BuildError(path: path, line: line, field: key, message: "must be text") }
                return s
            }
            switch key {
            case "title": config.title = try text()
            case "baseURL", "baseurl": config.baseURL = try text()
            case "description": config.description = try text()
            case "language", "languageCode": config.language = try text()
            case "image": config.image = try text()
            case "feedSection": config.feedSection = try text()
            case "markdown":
                if let unsafe = v["unsafe"] {
                    guard let b = unsafe.bool else {
                        throw BuildError(path: path, line: unsafe.mark?.line, field: "markdown.unsafe", message: "must be true or false")
                    }
                    config.allowRawHTML = b
                }
            default: break
            }
            config.params[key] = FrontMatterParser.plain(v)
        }
        while config.baseURL.hasSuffix("/") { config.baseURL.removeLast() }
        return config
    }
}

extension BuildError {
    func shifted(by delta: Int) -> BuildError {
        var e = self
        if let l = line { e.line = l + delta }
        return e
    }
}

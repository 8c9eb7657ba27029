import Foundation
@testable import RochSite

/// A throwaway site on disk: content/, site/ and an output folder under a fresh temp dir.
struct TempSite {
    let root: String
    var content: String { root + "/content" }
    var site: String { root + "/site" }
    var out: String { root + "/public" }

    init() throws {
        root = NSTemporaryDirectory() + "roch-site-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try write("site/layouts/base.mustache", """
        <html><head><title>{{meta.title}}</title><link rel="stylesheet" href="{{assets.css_site_css}}">{{{jsonld}}}</head>
        <body>{{$main}}{{/main}}</body></html>
        """)
        try write("site/layouts/single.mustache", "{{<base}}{{$main}}<h1>{{page.title}}</h1>{{{page.content}}}{{/main}}{{/base}}")
        try write("site/layouts/list.mustache",
                  "{{<base}}{{$main}}<h1>{{page.title}}</h1>{{{page.content}}}<ul>{{#pages}}<li><a href=\"{{url}}\">{{title}}</a></li>{{/pages}}</ul>{{/main}}{{/base}}")
        try write("site/assets/css/site.css", "body { color: #222; }\n")
        try write("site/config.yaml", "title: Test Site\nbaseURL: https://example.test/\n")
        try write("content/_index.md", "---\ntitle: Home\n---\nWelcome.\n")
    }

    func write(_ relative: String, _ text: String) throws {
        let path = root + "/" + relative
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    func read(_ relativeToOut: String) throws -> String {
        try String(contentsOfFile: out + "/" + relativeToOut, encoding: .utf8)
    }

    func exists(_ relativeToOut: String) -> Bool { FileManager.default.fileExists(atPath: out + "/" + relativeToOut) }

    func builder(drafts: Bool = false, future: Bool = false, now: Date = Date()) -> SiteBuilder {
        var options = BuildOptions(contentDir: content, siteDir: site, outDir: out, drafts: drafts, future: future)
        options.now = now
        options.log = nil
        return SiteBuilder(options: options)
    }

    @discardableResult
    func build(drafts: Bool = false, future: Bool = false) throws -> BuildSummary {
        try builder(drafts: drafts, future: future).build()
    }

    func remove() { try? FileManager.default.removeItem(atPath: root) }
}

/// The errors a failed build reported, flattened.
func buildErrors(_ error: Error) -> [BuildError] {
    if let e = error as? BuildError { return [e] }
    if let e = error as? BuildErrors { return e.errors }
    return []
}

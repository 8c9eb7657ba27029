import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import RochSite

struct AssetTests {
    @Test func cssAndJSGetAContentHashInTheirNameAndTemplatesGetThatURL() throws {
        let site = try TempSite()
        defer { site.remove() }
        try site.write("content/page.md", "---\ntitle: Page\n---\n")
        try site.build()
        let css = try FileManager.default.contentsOfDirectory(atPath: site.out + "/css")
        #expect(css.count == 1)
        let name = try #require(css.first)
        #expect(name.range(of: #"^site\.[0-9a-f]{10}\.css$"#, options: .regularExpression) != nil)
        #expect(try site.read("page/index.html").contains("href=\"/css/\(name)\""))

        try site.write("site/assets/css/site.css", "body { color: #000; }\n")
        try site.build()
        let changed = try FileManager.default.contentsOfDirectory(atPath: site.out + "/css")
        #expect(changed.count == 1 && changed != css, "new content, new name: caches never serve stale CSS")
    }

    @Test func fingerprintIsStableForTheSameBytes() {
        let data = Data("a{}".utf8)
        #expect(AssetPipeline.fingerprintedName("css/site.css", data: data) == AssetPipeline.fingerprintedName("css/site.css", data: data))
        #expect(AssetPipeline.fingerprintedName("js/book.js", data: data).hasPrefix("js/book."))
        #expect(AssetPipeline.templateKey("css/site.css") == "css_site_css")
    }

    @Test func imageSizesAreReadFromPNGAndSVG() {
        var png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 73, 72, 68, 82])
        png.append(contentsOf: [0, 0, 4, 176, 0, 0, 2, 118]) // 1200 x 630
        #expect(ImageSize.of(png, ext: "png").map { [$0.width, $0.height] } == [1200, 630])
        let svg = Data("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 480 280\"></svg>".utf8)
        #expect(ImageSize.of(svg, ext: "svg").map { [$0.width, $0.height] } == [480, 280])
        #expect(ImageSize.of(Data("nope".utf8), ext: "png") == nil)
    }
}

struct AtomicOutputTests {
    @Test func aFailedBuildLeavesThePreviousSiteUntouched() throws {
        let site = try TempSite()
        defer { site.remove() }
        try site.write("content/page.md", "---\ntitle: First version\n---\n")
        try site.build()
        #expect(try site.read("page/index.html").contains("First version"))

        try site.write("content/page.md", "---\ntitle: Second version\n---\n[broken](/missing/)\n")
        try site.write("content/other.md", "---\ntitle: Other\n---\n")
        #expect(throws: BuildErrors.self) { try site.build() }
        #expect(try site.read("page/index.html").contains("First version"))
        #expect(!site.exists("other/index.html"))
        let siblings = try FileManager.default.contentsOfDirectory(atPath: site.root)
        #expect(!siblings.contains { $0.contains(".staging-") || $0.contains(".old-") }, "no half-written folders left behind")
    }

    @Test func aSuccessfulBuildReplacesStaleFiles() throws {
        let site = try TempSite()
        defer { site.remove() }
        try site.write("content/gone.md", "---\ntitle: Gone\n---\n")
        try site.build()
        #expect(site.exists("gone/index.html"))
        try FileManager.default.removeItem(atPath: site.content + "/gone.md")
        try site.build()
        #expect(!site.exists("gone/index.html"))
    }
}

struct FeedAndSitemapTests {
    /// Parses with Foundation's XMLParser and collects element names and text.
    final class Collector: NSObject, XMLParserDelegate {
        var elements: [String] = []
        var text: [String: [String]] = [:]
        private var current = ""
        private var buffer = ""
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            elements.append(name); current = name; buffer = ""
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) { buffer += string }
        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            text[name, default: []].append(buffer.trimmingCharacters(in: .whitespacesAndNewlines)); buffer = ""
        }
    }

    func parse(_ xml: String) throws -> Collector {
        let parser = XMLParser(data: Data(xml.utf8))
        let c = Collector()
        parser.delegate = c
        #expect(parser.parse(), "not well-formed XML: \(String(describing: parser.parserError))")
        return c
    }

    @Test func theBlogFeedIsWellFormedAtomNewestFirst() throws {
        let site = try TempSite()
        defer { site.remove() }
        try site.write("content/blog/_index.md", "---\ntitle: Planning notes\n---\n")
        try site.write("content/blog/a.md", "---\ntitle: \"Budgets & <dates>\"\ndate: 2025-01-02\ndescription: R&D\n---\nText with <b>tags</b> & ampersands.\n")
        try site.write("content/blog/b.md", "---\ntitle: Newer\ndate: 2025-03-01T10:00:00+05:30\n---\nHi\n")
        try site.write("content/about.md", "---\ntitle: About\n---\n")
        try site.build()
        let feed = try parse(try site.read("blog/feed.xml"))
        #expect(feed.elements.first == "feed")
        #expect(feed.elements.filter { $0 == "entry" }.count == 2)
        #expect(feed.text["title"]?.dropFirst().first == "Newer")
        #expect(feed.text["title"]?.contains("Budgets & <dates>") == true)
        #expect(feed.text["published"]?.first == "2025-03-01T04:30:00Z")
        #expect(feed.text["id"]?.contains("https://example.test/blog/a/") == true)
    }

    @Test func theSitemapListsEveryIndexablePageWithAbsoluteURLs() throws {
        let site = try TempSite()
        defer { site.remove() }
        try site.write("content/services/weddings.md", "---\ntitle: W\ndate: 2025-01-01\naliases: [/weddings/]\n---\n")
        try site.write("content/thanks.md", "---\ntitle: Thanks\nnoindex: true\n---\n")
        try site.build()
        let map = try parse(try site.read("sitemap.xml"))
        let locs = Set(map.text["loc"] ?? [])
        #expect(locs == ["https://example.test/", "https://example.test/services/", "https://example.test/services/weddings/"])
        #expect(map.text["lastmod"]?.count == 1)
        let robots = try site.read("robots.txt")
        #expect(robots.contains("Sitemap: https://example.test/sitemap.xml"))
    }
}

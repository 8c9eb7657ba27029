import Foundation
import Testing
@testable import RochSite

struct URLBuilderTests {
    @Test func pagesGetPrettyURLsFromTheirPath() {
        #expect(URLBuilder.url(for: "_index.md") == "/")
        #expect(URLBuilder.url(for: "services/_index.md") == "/services/")
        #expect(URLBuilder.url(for: "services/weddings.md") == "/services/weddings/")
        #expect(URLBuilder.url(for: "about.md") == "/about/")
        #expect(URLBuilder.url(for: "blog/2025/launch.md") == "/blog/2025/launch/")
        #expect(URLBuilder.url(for: "Services/Big Day.md") == "/services/big-day/")
    }

    @Test func slugReplacesTheLastSegmentAndBundlesUseTheirFolder() {
        #expect(URLBuilder.url(for: "blog/wedding-budget-breakdown-india.md", slug: "wedding-budget") == "/blog/wedding-budget/")
        #expect(URLBuilder.url(for: "gallery/index.md") == "/gallery/")
        #expect(URLBuilder.url(for: "gallery/index.md", slug: "photos") == "/photos/")
    }

    @Test func outputPathsAreIndexFilesInsideTheURLFolder() {
        #expect(URLBuilder.outputPath(for: "/services/weddings/") == "services/weddings/index.html")
        #expect(URLBuilder.outputPath(for: "/") == "index.html")
        #expect(URLBuilder.outputPath(for: "/404.html") == "404.html")
    }

    @Test func linksResolveRelativeToThePageAndExternalOnesAreIgnored() {
        #expect(URLBuilder.resolve("/book/", from: "/services/weddings/") == "/book/")
        #expect(URLBuilder.resolve("../receptions/", from: "/services/weddings/") == "/services/receptions/")
        #expect(URLBuilder.resolve("photo.png", from: "/blog/post/") == "/blog/post/photo.png")
        #expect(URLBuilder.resolve("/how-it-works/#deposit", from: "/") == "/how-it-works/")
        #expect(URLBuilder.resolve("/images/a%20b.png", from: "/") == "/images/a b.png")
        #expect(URLBuilder.resolve("#top", from: "/") == nil)
        #expect(URLBuilder.resolve("https://wa.me/91984", from: "/") == nil)
        #expect(URLBuilder.resolve("mailto:hello@example.in", from: "/") == nil)
        #expect(URLBuilder.resolve("tel:+918047182290", from: "/") == nil)
        #expect(URLBuilder.resolve("//cdn.example.com/x.js", from: "/") == nil)
    }

    @Test func sectionsListTheirDirectChildrenByWeightThenNewestFirst() throws {
        let site = try TempSite()
        defer { site.remove() }
        try site.write("content/services/_index.md", "---\ntitle: Services\n---\n")
        try site.write("content/services/b.md", "---\ntitle: Second\nweight: 2\n---\n")
        try site.write("content/services/a.md", "---\ntitle: First\nweight: 1\n---\n")
        try site.write("content/services/c.md", "---\ntitle: Unweighted\n---\n")
        try site.write("content/blog/old.md", "---\ntitle: Old post\ndate: 2024-01-01\n---\n")
        try site.write("content/blog/new.md", "---\ntitle: New post\ndate: 2025-01-01\n---\n")
        try site.build()
        let services = try site.read("services/index.html")
        let first = try #require(services.range(of: "First")), second = try #require(services.range(of: "Second"))
        let last = try #require(services.range(of: "Unweighted"))
        #expect(first.lowerBound < second.lowerBound && second.lowerBound < last.lowerBound)
        // blog has no _index.md: it still gets a list page, as in Hugo
        let blog = try site.read("blog/index.html")
        #expect(try #require(blog.range(of: "New post")).lowerBound < #require(blog.range(of: "Old post")).lowerBound)
    }

    @Test func twoPagesWithTheSameURLFailTheBuild() throws {
        let site = try TempSite()
        defer { site.remove() }
        try site.write("content/a.md", "---\nslug: same\n---\n")
        try site.write("content/same.md", "---\ntitle: Same\n---\n")
        #expect { try site.build() } throws: { error in
            buildErrors(error).contains { $0.message.contains("URL /same/ is also the URL of") }
        }
    }
}

struct VisibilityTests {
    @Test func draftsAndFuturePagesAreLeftOutUnlessAsked() throws {
        let site = try TempSite()
        defer { site.remove() }
        try site.write("content/draft.md", "---\ntitle: Draft\ndraft: true\n---\n")
        try site.write("content/later.md", "---\ntitle: Later\ndate: 2999-01-01\n---\n")
        try site.write("content/now.md", "---\ntitle: Now\ndate: 2020-01-01\n---\n")
        let summary = try site.build()
        #expect(summary.excluded == 2)
        #expect(site.exists("now/index.html"))
        #expect(!site.exists("draft/index.html"))
        #expect(!site.exists("later/index.html"))
        #expect(!(try site.read("sitemap.xml")).contains("/draft/"))

        try site.build(drafts: true)
        #expect(site.exists("draft/index.html"))
        #expect(!site.exists("later/index.html"))

        try site.build(future: true)
        #expect(site.exists("later/index.html"))
        #expect(!site.exists("draft/index.html"))
    }

    @Test func filterComparesDatesWithTheBuildTime() {
        var fm = FrontMatter()
        fm.date = Date(timeIntervalSince1970: 2_000)
        #expect(ContentFilter(now: Date(timeIntervalSince1970: 1_000)).includes(fm) == false)
        #expect(ContentFilter(future: true, now: Date(timeIntervalSince1970: 1_000)).includes(fm))
        #expect(ContentFilter(now: Date(timeIntervalSince1970: 3_000)).includes(fm))
    }

    @Test func aliasesBecomeRedirectPagesToTheNewURL() throws {
        let site = try TempSite()
        defer { site.remove() }
        try site.write("content/services/weddings.md", "---\ntitle: Weddings\naliases: [/weddings/, /old/wedding-planning]\n---\n")
        try site.write("content/links.md", "---\ntitle: Links\n---\n[old link](/weddings/)\n")
        let summary = try site.build()
        #expect(summary.aliases == 2)
        for alias in ["weddings/index.html", "old/wedding-planning/index.html"] {
            let html = try site.read(alias)
            #expect(html.contains("<meta http-equiv=\"refresh\" content=\"0; url=/services/weddings/\">"))
            #expect(html.contains("<link rel=\"canonical\" href=\"https://example.test/services/weddings/\">"))
        }
    }

    @Test func anAliasThatIsAlsoAPageURLIsAnError() throws {
        let site = try TempSite()
        defer { site.remove() }
        try site.write("content/a.md", "---\naliases: [/b/]\n---\n")
        try site.write("content/b.md", "---\ntitle: B\n---\n")
        #expect { try site.build() } throws: { error in
            buildErrors(error).contains { $0.field == "aliases" && $0.message.contains("/b/") }
        }
    }
}

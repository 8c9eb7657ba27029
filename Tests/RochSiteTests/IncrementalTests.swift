import Foundation
import Testing
@testable import RochSite

/// Sets a built file's modification time to a fixed past moment and returns it: a rewrite, however
/// soon, gives it a different one (no waiting for the clock to move on).
func backdate(_ path: String) throws -> Date {
    let past = Date(timeIntervalSince1970: 1_000_000_000)
    try FileManager.default.setAttributes([.modificationDate: past], ofItemAtPath: path)
    return try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as! Date
}

struct IncrementalTests {
    func modified(_ path: String) throws -> Date {
        try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as! Date
    }

    @Test func editingOnePageRewritesOnlyThatPageItsListAndHome() throws {
        let site = try TempSite()
        defer { site.remove() }
        try site.write("content/services/_index.md", "---\ntitle: Services\n---\n")
        for i in 0..<20 { try site.write("content/services/s\(i).md", "---\ntitle: Service \(i)\n---\nBody \(i)\n") }
        try site.write("content/about.md", "---\ntitle: About\n---\n")
        let builder = site.builder()
        try builder.build()
        let untouched = try backdate(site.out + "/about/index.html")
        let sibling = try backdate(site.out + "/services/s2/index.html")

        try site.write("content/services/s1.md", "---\ntitle: Service One Renamed\n---\nNew body\n")
        let r = try builder.rebuild(changed: [site.content + "/services/s1.md"])
        #expect(!r.full)
        #expect(r.pagesWritten == 3) // the page, /services/, home
        #expect(try site.read("services/s1/index.html").contains("New body"))
        #expect(try site.read("services/index.html").contains("Service One Renamed"))
        #expect(try modified(site.out + "/about/index.html") == untouched)
        #expect(try modified(site.out + "/services/s2/index.html") == sibling)
    }

    @Test func aBrokenLinkInAnEditIsReportedAndTheOldPageStays() throws {
        let site = try TempSite()
        defer { site.remove() }
        try site.write("content/p.md", "---\ntitle: P\n---\nGood\n")
        let builder = site.builder()
        try builder.build()
        try site.write("content/p.md", "---\ntitle: P\n---\nNow [broken](/nope/)\n")
        #expect { try builder.rebuild(changed: [site.content + "/p.md"]) } throws: { error in
            buildErrors(error).contains { $0.line == 4 && $0.step == "checkLinks" }
        }
        #expect(try site.read("p/index.html").contains("Good"))
    }

    @Test func layoutChangesAndNewPagesFallBackToAFullBuild() throws {
        let site = try TempSite()
        defer { site.remove() }
        let builder = site.builder()
        try builder.build()
        try site.write("content/new.md", "---\ntitle: New\n---\n")
        let added = try builder.rebuild(changed: [site.content + "/new.md"])
        #expect(added.full)
        #expect(site.exists("new/index.html"))
        try site.write("site/layouts/single.mustache", "{{<base}}{{$main}}<h1 class=\"v2\">{{page.title}}</h1>{{/main}}{{/base}}")
        let relayout = try builder.rebuild(changed: [site.site + "/layouts/single.mustache"])
        #expect(relayout.full)
        #expect(try site.read("new/index.html").contains("class=\"v2\""))
    }
}

struct WatchEventTests {
    @Test func editorTemporaryFilesThatAreGoneCauseNoRebuild() throws {
        let site = try TempSite()
        defer { site.remove() }
        let builder = site.builder()
        try builder.build()
        let r = try builder.rebuild(changed: [site.content + "/sedA621aX", site.content + "/.page.md.swp"])
        #expect(!r.full && r.pagesWritten == 0)
    }
}

struct IncrementalSitemapTests {
    @Test func theSitemapIsRewrittenOnlyWhenADateChanges() throws {
        let site = try TempSite()
        defer { site.remove() }
        try site.write("content/p.md", "---\ntitle: P\ndate: 2024-01-01\n---\nBody\n")
        let builder = site.builder()
        try builder.build()
        let mtime = { try FileManager.default.attributesOfItem(atPath: site.out + "/sitemap.xml")[.modificationDate] as! Date }
        let first = try backdate(site.out + "/sitemap.xml")
        try site.write("content/p.md", "---\ntitle: P\ndate: 2024-01-01\n---\nNew body\n")
        _ = try builder.rebuild(changed: [site.content + "/p.md"])
        #expect(try mtime() == first)
        try site.write("content/p.md", "---\ntitle: P\ndate: 2024-06-01\n---\nNew body\n")
        _ = try builder.rebuild(changed: [site.content + "/p.md"])
        #expect(try site.read("sitemap.xml").contains("<lastmod>2024-05-31T18:30:00Z</lastmod>"))
    }
}

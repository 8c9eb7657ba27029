import Foundation
import Testing
@testable import RochSite

struct LinkCheckTests {
    @Test func aLinkToAMissingPageFailsWithFileAndLine() throws {
        let site = try TempSite()
        defer { site.remove() }
        try site.write("content/services/weddings.md", """
        ---
        title: Weddings
        ---
        Intro paragraph.

        See [our packages](/packages/) and [receptions](../receptions/).
        ![mandap](/images/missing.png)
        """)
        try site.write("content/services/receptions.md", "---\ntitle: Receptions\n---\n")
        #expect { try site.build() } throws: { error in
            let errors = buildErrors(error)
            let paths = errors.map { "\(($0.path as NSString).lastPathComponent):\($0.line ?? 0)" }
            return errors.count == 2
                && paths == ["weddings.md:6", "weddings.md:7"]
                && errors.allSatisfy { $0.step == "checkLinks" }
                && errors[0].message.contains("'/packages/'") && errors[1].message.contains("image")
        }
        #expect(!site.exists("services/weddings/index.html"), "a failed build publishes nothing")
    }

    @Test func linksToPagesAssetsRedirectsAndGeneratedFilesPass() throws {
        let site = try TempSite()
        defer { site.remove() }
        try site.write("site/assets/images/dot.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"20\"></svg>")
        try site.write("content/book.md", "---\ntitle: Book\naliases: [/enquire/]\n---\n")
        try site.write("content/blog/post.md", "---\ntitle: Post\ndate: 2024-05-01\n---\n")
        try site.write("content/ok.md", """
        ---
        title: OK
        ---
        [book](/book/) [no slash](/book) [alias](/enquire/) [feed](/blog/feed.xml) [sitemap](/sitemap.xml)
        [post](../blog/post/) [external](https://example.com/x) [mail](mailto:a@b.in) [frag](#x)
        ![dot](/images/dot.svg)
        """)
        try site.build()
        #expect(try site.read("ok/index.html").contains("<img src=\"/images/dot.svg\" width=\"10\" height=\"20\""))
    }

    @Test func aBrokenLinkInALayoutNamesTheLayoutFile() throws {
        let site = try TempSite()
        defer { site.remove() }
        try site.write("site/layouts/single.mustache", "{{<base}}{{$main}}<a href=\"/nowhere/\">x</a>{{/main}}{{/base}}")
        try site.write("content/page.md", "---\ntitle: Page\n---\n")
        #expect { try site.build() } throws: { error in
            buildErrors(error).contains { $0.path.hasSuffix("layouts/single.mustache") && $0.message.contains("/nowhere/") && $0.step == "renderPages" }
        }
    }
}

struct RootLinkScanTests {
    @Test func findsRootRelativeHrefAndSrcOnly() {
        let html = #"<a href="/a/">x</a><img src="/i.png"><a href="//cdn.x/y">c</a><a href="https://x/">e</a><meta content="/no/"><a data-href="/yes/">"#
        #expect(LinkCheck.rootLinks(in: html) == ["/a/", "/i.png", "/yes/"])
    }
}

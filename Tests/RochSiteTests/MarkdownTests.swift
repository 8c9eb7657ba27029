import Foundation
import Testing
@testable import RochSite

struct MarkdownTests {
    let md = MarkdownRenderer()

    @Test func gfmExtensionsRender() {
        let html = md.render("""
        | Item | ₹ |
        | --- | ---: |
        | Decor | 5,10,000 |

        ~~cancelled~~ and www.rochevents.in

        - [x] done
        - [ ] todo

        Budget note.[^1]

        [^1]: Excludes GST.
        """).html
        #expect(html.contains("<table>") && html.contains("<td align=\"right\">5,10,000</td>"))
        #expect(html.contains("<del>cancelled</del>"))
        #expect(html.contains("<a href=\"http://www.rochevents.in\">www.rochevents.in</a>"))
        #expect(html.contains("<input type=\"checkbox\" checked=\"\" disabled=\"\" /> done"))
        #expect(html.contains("<input type=\"checkbox\" disabled=\"\" /> todo"))
        #expect(html.contains("class=\"footnote-ref\"") && html.contains("Excludes GST."))
    }

    @Test func headingsGetUniqueAnchors() {
        let r = md.render("# Our Process\n\n## Step 1: Call\n\n## Step 1: Call\n\n### `code` & more\n")
        #expect(r.html.contains("<h1 id=\"our-process\">Our Process</h1>"))
        #expect(r.html.contains("<h2 id=\"step-1-call\">Step 1: Call</h2>"))
        #expect(r.html.contains("<h2 id=\"step-1-call-1\">Step 1: Call</h2>"))
        #expect(r.html.contains("<h3 id=\"code-more\"><code>code</code> &amp; more</h3>"))
        #expect(!r.html.contains("\u{1}"))
        #expect(r.headings.map(\.id) == ["our-process", "step-1-call", "step-1-call-1", "code-more"])
    }

    @Test func rawHTMLIsOffByDefault() {
        let html = md.render("<div class=\"x\">hi</div>\n\nText <span>inline</span>\n").html
        #expect(!html.contains("<div class=\"x\">"))
        #expect(!html.contains("<span>"))
        #expect(html.contains("raw HTML omitted"))
    }

    @Test func rawHTMLWhenAllowedStillFiltersDangerousTags() {
        let html = MarkdownRenderer(allowRawHTML: true).render("<div class=\"x\">hi</div>\n\n<script>alert(1)</script>\n\n<iframe src=x></iframe>\n").html
        #expect(html.contains("<div class=\"x\">hi</div>"))
        #expect(html.contains("&lt;script>"))
        #expect(html.contains("&lt;iframe"))
    }

    @Test func linksAreReportedWithTheirFileLine() {
        let r = md.render("Para\n\n[a](/a/) text\n\n* item [b](../b/)\n\n![i](/i.png)\n", firstLine: 5)
        #expect(r.links == [
            MarkdownLink(url: "/a/", line: 7, isImage: false),
            MarkdownLink(url: "../b/", line: 9, isImage: false),
            MarkdownLink(url: "/i.png", line: 11, isImage: true),
        ])
    }

    @Test func slugsKeepLettersAndDigits() {
        #expect(Slug.make("Sangeet, Mehndi & Haldi!") == "sangeet-mehndi-haldi")
        #expect(Slug.make("  What’s a 30% deposit? ") == "whats-a-30-deposit")
    }
}

struct TemplateTests {
    @Test func layoutsExtendTheBaseAndUseDataFilesAndPartials() throws {
        let site = try TempSite()
        defer { site.remove() }
        try site.write("site/layouts/partials/quote.mustache", "<q>{{quote}}</q>")
        try site.write("site/layouts/reviews.mustache", "{{<base}}{{$main}}{{#data.testimonials}}{{> quote}}{{/data.testimonials}}{{/main}}{{/base}}")
        try site.write("content/data/testimonials.yaml", "- {name: Priya, quote: Calm and kind, rating: 5}\n")
        try site.write("content/reviews.md", "---\ntitle: Reviews\nlayout: reviews\nschema: reviews\n---\n")
        try site.build()
        let html = try site.read("reviews/index.html")
        #expect(html.contains("<q>Calm and kind</q>"))
        #expect(html.contains("<title>Reviews | Test Site</title>"))
        #expect(html.contains("\"@type\":\"Review\"") && html.contains("\"reviewBody\":\"Calm and kind\""))
    }

    @Test func aMissingLayoutNamesTheField() throws {
        let site = try TempSite()
        defer { site.remove() }
        try site.write("content/x.md", "---\ntitle: X\nlayout: fancy\n---\n")
        #expect { try site.build() } throws: { error in
            buildErrors(error).contains { $0.field == "layout" && $0.step == "renderPages" && $0.message.contains("fancy.mustache") }
        }
    }

    @Test func aTemplateSyntaxErrorNamesFileAndLine() throws {
        let site = try TempSite()
        defer { site.remove() }
        try site.write("site/layouts/broken.mustache", "line one\n{{#open}}\nnever closed\n")
        #expect { try site.build() } throws: { error in
            buildErrors(error).contains { $0.path.hasSuffix("layouts/broken.mustache") && $0.line != nil && $0.step == "loadLayouts" }
        }
    }

    @Test func jsonLDCannotCloseItsScriptTag() {
        let json = Generated.jsonLD(["name": "</script><script>alert(1)"])
        #expect(!json.contains("</script>"))
        #expect(json.contains("\"@context\":\"https://schema.org\""))
    }
}

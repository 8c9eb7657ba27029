import Foundation
import Testing
@testable import RochSite

struct FrontMatterTests {
    @Test func knownFieldsAreTypedAndOthersKeptForTemplates() throws {
        let text = """
        ---
        title: "Weddings"
        slug: weddings
        description: Full planning
        date: 2025-02-14
        draft: false
        tags: [weddings, decor]
        weight: 3
        layout: service
        aliases: [/old-weddings/]
        image: /images/w.png
        from: ₹12 lakh
        ---
        # Body
        """
        let (fm, body) = try FrontMatterParser.parse(text, path: "content/services/weddings.md")
        #expect(fm.title == "Weddings")
        #expect(fm.slug == "weddings")
        #expect(fm.tags == ["weddings", "decor"])
        #expect(fm.weight == 3)
        #expect(fm.layout == "service")
        #expect(fm.aliases == ["/old-weddings/"])
        #expect(fm.image == "/images/w.png")
        #expect(fm.params["from"] as? String == "₹12 lakh")
        #expect(fm.date.map(SiteDate.day) == "2025-02-14")
        #expect(fm.bodyLine == 14)
        #expect(body == "# Body")
    }

    @Test func aBadDateNamesFileLineAndField() {
        let text = "---\ntitle: Decor\nweight: 2\ndate: next tuesday\n---\nBody\n"
        #expect {
            try FrontMatterParser.parse(text, path: "content/services/decor.md")
        } throws: { error in
            let e = error as? BuildError
            return e?.path == "content/services/decor.md" && e?.line == 4 && e?.field == "date"
                && e!.description.hasPrefix("content/services/decor.md:4: front matter: 'date' is not a date")
        }
    }

    @Test func wrongTypesAreReportedWithTheirLine() throws {
        func error(_ yaml: String) -> BuildError? {
            do { _ = try FrontMatterParser.parse("---\n" + yaml + "---\n", path: "p.md"); return nil } catch { return error as? BuildError }
        }
        #expect(error("title: a\ndraft: maybe\n")?.field == "draft")
        #expect(error("title: a\ndraft: maybe\n")?.line == 3)
        #expect(error("weight: heavy\n")?.field == "weight")
        #expect(error("tags: {a: b}\n")?.field == "tags")
        #expect(error("slug: a/b\n")?.field == "slug")
        #expect(error("aliases: [old-page/]\n")?.field == "aliases")
    }

    @Test func invalidYAMLReportsTheLineOfTheProblem() {
        #expect {
            try FrontMatterParser.parse("---\ntitle: ok\ntags: [a, b\ndescription: x\n---\n", path: "c.md")
        } throws: { error in
            guard let e = error as? BuildError, let line = e.line else { return false }
            return e.path == "c.md" && line >= 3 && line <= 5 && e.message.contains("YAML")
        }
    }

    @Test func unclosedFrontMatterIsAnErrorOnLineOne() {
        #expect(throws: BuildError(path: "x.md", line: 1, message: "front matter: opening '---' has no closing '---'")) {
            try FrontMatterParser.parse("---\ntitle: x\nno end\n", path: "x.md")
        }
    }

    @Test func filesWithoutFrontMatterAreAllBody() throws {
        let (fm, body) = try FrontMatterParser.parse("# Just markdown\n---\n", path: "a.md")
        #expect(fm.title == nil)
        #expect(body.hasPrefix("# Just markdown"))
        #expect(fm.bodyLine == 1)
    }

    @Test func datesAcceptTimesAndZonesAndRejectImpossibleDays() {
        #expect(SiteDate.parse("2025-02-14T18:30:00+05:30").map(SiteDate.rfc3339) == "2025-02-14T13:00:00Z")
        #expect(SiteDate.parse("2025-02-14T13:00:00Z").map(SiteDate.rfc3339) == "2025-02-14T13:00:00Z")
        #expect(SiteDate.parse("2025-02-14").map(SiteDate.rfc3339) == "2025-02-13T18:30:00Z") // midnight in India
        #expect(SiteDate.parse("2025-02-30") == nil)
        #expect(SiteDate.parse("14/02/2025") == nil)
        #expect(SiteDate.parse("2025-02-14T25:00") == nil)
    }

    @Test func buildErrorsNameTheStepThatFailed() throws {
        let site = try TempSite()
        defer { site.remove() }
        try site.write("content/services/decor.md", "---\ntitle: Decor\ndate: soon\n---\nBody\n")
        #expect {
            try site.build()
        } throws: { error in
            let e = buildErrors(error).first
            return e?.step == "readContent" && e?.line == 3 && e?.field == "date"
                && e!.description.contains("content/services/decor.md:3: front matter: 'date'")
        }
    }
}

struct FrontMatterLineEndingTests {
    @Test func windowsLineEndingsAndAByteOrderMarkAreAccepted() throws {
        let (fm, body) = try FrontMatterParser.parse("\u{FEFF}---\r\ntitle: Haldi\r\nweight: 4\r\n---\r\nBody\r\n", path: "h.md")
        #expect(fm.title == "Haldi")
        #expect(fm.weight == 4)
        #expect(fm.bodyLine == 5)
        #expect(body.hasPrefix("Body"))
    }

    @Test func aBadFieldInACRLFFileStillNamesItsLine() {
        #expect {
            try FrontMatterParser.parse("---\r\ntitle: x\r\nweight: lots\r\n---\r\n", path: "w.md")
        } throws: { error in
            (error as? BuildError)?.line == 3 && (error as? BuildError)?.field == "weight"
        }
    }
}

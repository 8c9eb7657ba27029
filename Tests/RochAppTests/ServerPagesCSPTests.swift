import Foundation
import RochTestSupport
import Testing
@testable import RochApp

/// What the shipped CSP (`default-src 'self'`, no 'unsafe-inline') would block in a page: inline
/// `<style>`, `style=` attributes, inline `<script>` bodies and `on...=` handler attributes.
func inlineCodeTheCSPBlocks(_ html: String) -> [String] {
    var found: [String] = []
    let patterns = [#"<style[\s>]"#, #"\sstyle\s*="#, #"<script(?![^>]*\ssrc=)[^>]*>"#, #"\son[a-z]+\s*="#]
    for pattern in patterns {
        let regex = try! NSRegularExpression(pattern: pattern, options: [.caseInsensitive])
        for m in regex.matches(in: html, range: NSRange(html.startIndex..., in: html)) {
            found.append(String(html[Range(m.range, in: html)!]))
        }
    }
    return found
}

/// Server-rendered pages link the site's stylesheet (and scripts by src) instead of carrying inline code.
struct ServerPagesCSPTests {
    @Test func theDetectorFindsWhatTheCSPBlocks() {
        #expect(inlineCodeTheCSPBlocks(#"<p style="x">"#).count == 1)
        #expect(inlineCodeTheCSPBlocks("<style>p{}</style>").count == 1)
        #expect(inlineCodeTheCSPBlocks(#"<button onclick="print()">"#).count == 1)
        #expect(inlineCodeTheCSPBlocks("<script>alert(1)</script>").count == 1)
        #expect(inlineCodeTheCSPBlocks(#"<script src="/js/print.js" defer></script><link rel="stylesheet" href="/css/pages.css">"#).isEmpty)
    }

    @Test func theBookingErrorPageHasNoInlineStyleOrScriptAndLinksThePageStyles() {
        let html = BookingFormPage.render(fields: ["name": ["Asha"]], errors: ["phone": "Enter a mobile number."])
        #expect(inlineCodeTheCSPBlocks(html) == [])
        #expect(html.contains(#"<link rel="stylesheet" href="/css/pages.css">"#))
    }

    @Test func thePaymentReturnPageHasNoInlineStyleOrScript() {
        let html = PaymentReturn.page(status: 400, problem: "We could not verify this return.").text
        #expect(inlineCodeTheCSPBlocks(html) == [])
        #expect(html.contains(#"href="/css/pages.css""#))
    }

    @Test func theVendorPageHeadHasNoInlineStyle() {
        let html = VendorSelfServicePage.head("Florist")
        #expect(inlineCodeTheCSPBlocks(html) == [])
        #expect(html.contains(#"href="/css/pages.css""#))
    }

    @Test func theStylesheetAndPrintScriptTheyNameAreShippedWithTheSite() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        for url in [PageAssets.stylesheet, PageAssets.printScript] {
            #expect(FileManager.default.fileExists(atPath: root.path + "/site/static" + url), "site/static\(url) is missing")
        }
    }
}

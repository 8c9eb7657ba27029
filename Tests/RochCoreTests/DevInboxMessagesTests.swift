import Foundation
import Testing
@testable import RochCore

/// The dev inbox shows each message as its recipient reads it.
@Suite struct DevInboxMessagesTests {
    @Test func aWhatsAppTemplateIsFilledInItsPlaceholdersOrder() {
        let text = DevInboxMessages.whatsAppText(template: "enquiry_received_client", parameters: ["Asha Rao", "Wedding", "Monday, 3 May 2027"])
        #expect(text == "Namaste Asha Rao, thank you for choosing Roch Events for your Wedding on Monday, 3 May 2027! Our team will call you within 24 hours to understand your plans.")
        // a missing parameter stays visible as its placeholder, an unknown template is nil
        #expect(DevInboxMessages.whatsAppText(template: "enquiry_received_client", parameters: ["Asha Rao"])?.contains("{{event_type}}") == true)
        #expect(DevInboxMessages.whatsAppText(template: "no_such_template", parameters: []) == nil)
    }

    static func base64Lines(_ text: String) -> String {
        let encoded = Data(text.utf8).base64EncodedString()
        return stride(from: 0, to: encoded.count, by: 76).map { i in
            String(encoded.dropFirst(i).prefix(76))
        }.joined(separator: "\r\n")
    }

    @Test func aMultipartMailReadsAsItsSubjectSenderAndPlainText() {
        let body = "Namaste अनन्या,\n\nPay the deposit here: https://rzp.io/i/abc123.\nWarm regards"
        let raw = [
            "Date: Fri, 04 Dec 2026 19:22:35 +0000",
            "From: \"Roch Events\" <hello@rochevents.test>",
            "To: =?UTF-8?B?\(Data("अनन्या".utf8).base64EncodedString())?= <ananya@example.com>",
            "Subject: =?UTF-8?B?\(Data("Your deposit, ".utf8).base64EncodedString())?=",
            " =?UTF-8?B?\(Data("अनन्या".utf8).base64EncodedString())?=",
            "MIME-Version: 1.0",
            "Content-Type: multipart/alternative;",
            " boundary=\"=_roch_ABC\"",
            "",
            "This is a multi-part message in MIME format.",
            "--=_roch_ABC",
            "Content-Type: text/plain; charset=UTF-8",
            "Content-Transfer-Encoding: base64",
            "",
            Self.base64Lines(body.replacingOccurrences(of: "\n", with: "\r\n")),
            "--=_roch_ABC",
            "Content-Type: text/html; charset=UTF-8",
            "Content-Transfer-Encoding: base64",
            "",
            Self.base64Lines("<p>not this one</p>"),
            "--=_roch_ABC--",
            "",
        ].joined(separator: "\r\n")
        let mail = DevInboxMessages.mail(raw)
        #expect(mail.subject == "Your deposit, अनन्या")
        #expect(mail.from == "\"Roch Events\" <hello@rochevents.test>")
        #expect(mail.to == "अनन्या <ananya@example.com>")
        #expect(mail.text == body)
    }

    @Test func aSinglePartMailIsDecodedToo() {
        let raw = "From: a@b.test\r\nTo: c@d.test\r\nSubject: Hello\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + Self.base64Lines("Line one\r\nLine two") + "\r\n"
        #expect(DevInboxMessages.mail(raw) == .init(from: "a@b.test", to: "c@d.test", subject: "Hello", text: "Line one\nLine two"))
    }

    @Test func linksAreClickableAndEverythingElseIsEscaped() {
        let html = DevInboxMessages.linkedHTML("Pay <now>: https://rzp.io/i/a?x=1&y=2. Or see (http://127.0.0.1:8080/portal/).\nThanks")
        #expect(html == "Pay &lt;now&gt;: <a href=\"https://rzp.io/i/a?x=1&amp;y=2\">https://rzp.io/i/a?x=1&amp;y=2</a>. Or see (<a href=\"http://127.0.0.1:8080/portal/\">http://127.0.0.1:8080/portal/</a>).<br>\nThanks")
        #expect(DevInboxMessages.linkedHTML("javascript:alert(1) \"http://x.test/\"onmouseover=1") == "javascript:alert(1) &quot;<a href=\"http://x.test/\">http://x.test/</a>&quot;onmouseover=1")
    }
}

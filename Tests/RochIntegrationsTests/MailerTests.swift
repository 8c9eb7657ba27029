import Foundation
import Testing
import RochIntegrations
import RochTestSupport

/// Decodes one RFC 2047 header value made of `=?UTF-8?B?...?=` words (test-side, independent).
func decodeEncodedWords(_ value: String) -> String? {
    var bytes: [UInt8] = []
    // "\r\n" is one Character in Swift: unfold first, then split on spaces.
    for word in value.replacingOccurrences(of: "\r\n", with: " ").split(separator: " ") {
        guard word.hasPrefix("=?UTF-8?B?"), word.hasSuffix("?="), let data = Data(base64Encoded: String(word.dropFirst(10).dropLast(2))) else { return nil }
        bytes += data
    }
    return String(bytes: bytes, encoding: .utf8)
}

@Suite struct MailComposerTests {
    let message = EmailMessage(to: "ananya@example.com", toName: "Ananya Mehta", subject: "₹1,25,000 received",
                               text: "Dear Ananya,\nWe received ₹1,25,000.\n", html: "<p>We received <b>₹1,25,000</b>.</p>")

    @Test func aNonASCIISubjectIsRFC2047EncodedAndDecodesBack() throws {
        let encoded = MailComposer.encodeHeaderText("₹1,25,000 received")
        #expect(encoded.hasPrefix("=?UTF-8?B?") && encoded.hasSuffix("?="))
        #expect(decodeEncodedWords(encoded) == "₹1,25,000 received")
        #expect(MailComposer.encodeHeaderText("Payment received") == "Payment received")
    }

    @Test func longNonASCIISubjectsSplitIntoShortWordsBetweenWholeCharacters() throws {
        let subject = String(repeating: "₹ भुगतान प्राप्त हुआ — ", count: 6)
        let encoded = MailComposer.encodeHeaderText(subject)
        let words = encoded.components(separatedBy: "\r\n ")
        #expect(words.count > 1)
        for word in words {
            #expect(word.count <= 75)
            #expect(decodeEncodedWords(word) != nil)  // each word is whole UTF-8 on its own
        }
        #expect(decodeEncodedWords(encoded) == subject)
    }

    @Test(arguments: [
        EmailMessage(to: "a@example.com", subject: "Hi\r\nBcc: victim@example.com", text: "x"),
        EmailMessage(to: "a@example.com", subject: "Hi\nBcc: victim@example.com", text: "x"),
        EmailMessage(to: "a@example.com\r\nBcc: victim@example.com", subject: "Hi", text: "x"),
        EmailMessage(to: "a@example.com", toName: "Ananya\rX-Evil: 1", subject: "Hi", text: "x"),
    ])
    func lineBreaksInAnyHeaderValueAreRefused(_ message: EmailMessage) {
        #expect { try MailComposer.compose(message, from: "bookings@roch.example", fromName: nil) } throws: {
            ($0 as? MailError)?.kind == .headerInjection
        }
    }

    @Test func aLineBreakInTheSenderNameIsRefused() {
        #expect { try MailComposer.compose(message, from: "bookings@roch.example", fromName: "Roch\r\nBcc: x@y.z") } throws: {
            ($0 as? MailError)?.kind == .headerInjection
        }
    }

    @Test func addressesThatAreNotPlainAreRefused() {
        for bad in ["no-at-sign", "a@b", "a b@example.com", "<a@example.com>", "a@example.com,b@example.com"] {
            #expect { try MailComposer.compose(EmailMessage(to: bad, subject: "s", text: "t"), from: "bookings@roch.example", fromName: nil) } throws: {
                ($0 as? MailError)?.kind == .invalidAddress
            }
        }
    }

    @Test func mailFromIsReadAsAddressOrNameAndAddress() {
        #expect(Mailer.parseMailbox("bookings@roch.example").map { [$0.name ?? "-", $0.address] } == ["-", "bookings@roch.example"])
        #expect(Mailer.parseMailbox("Roch Events <bookings@roch.example>").map { [$0.name ?? "-", $0.address] } == ["Roch Events", "bookings@roch.example"])
        #expect(Mailer.parseMailbox("\"Roch Events\" <bookings@roch.example>")?.name == "Roch Events")
        #expect(Mailer.parseMailbox("nobody") == nil)
        #expect(Mailer.parseMailbox("Roch <bookings@roch.example") == nil)
    }

    @Test func theDateHeaderIsRFC5322() {
        let date = Date(timeIntervalSince1970: 1_795_588_420)  // 2026-11-25 06:33:40 UTC
        #expect(MailComposer.rfc5322Date(date) == "Wed, 25 Nov 2026 06:33:40 +0000")
    }

    @Test func everyLineEndsWithCRLFAndNoLineIsTooLong() throws {
        let (data, _) = try MailComposer.compose(message, from: "bookings@roch.example", fromName: "Roch Events")
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.hasSuffix("\r\n"))
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\r"))
        for line in text.components(separatedBy: "\r\n") { #expect(line.utf8.count <= 78) }
    }
}

@Suite struct MailerTests {
    let message = EmailMessage(to: "ananya@example.com", toName: "Ananya Mehta", subject: "₹1,25,000 received",
                               text: "Dear Ananya,\nWe received ₹1,25,000 for your wedding.\n.\nRoch Events",
                               html: "<p>Dear Ananya,</p>\n<p>We received <b>₹1,25,000</b>.</p>")

    @Test func aMessageArrivesWithEnvelopeHeadersAndBothAlternativeParts() async throws {
        let sink = try SMTPSink()
        defer { sink.shutdown() }
        let mailer = Mailer(configuration: .init(smtpURL: sink.url(user: "mailer", password: "s3cret"), from: "bookings@roch.example", caFile: sink.caFile))
        let messageID = try await mailer.send(message)

        let received = try #require(sink.messages.first)
        #expect(sink.messages.count == 1)
        #expect(received.mailFrom == "bookings@roch.example")
        #expect(received.recipients == ["ananya@example.com"])
        #expect(received.authenticatedUser == "mailer")

        #expect(messageID.hasPrefix("<") && messageID.hasSuffix("@roch.example>"))
        #expect(received.header("Message-ID") == messageID)
        let date = try #require(received.header("Date"))
        #expect(date.range(of: #"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$"#,
                           options: .regularExpression) != nil)
        #expect(received.header("From") == "\"Roch Events\" <bookings@roch.example>")
        #expect(received.header("To") == "\"Ananya Mehta\" <ananya@example.com>")
        #expect(received.header("MIME-Version") == "1.0")
        let subject = try #require(received.header("Subject"))
        #expect(subject.hasPrefix("=?UTF-8?B?"))
        #expect(decodeEncodedWords(subject) == "₹1,25,000 received")

        let contentType = try #require(received.header("Content-Type"))
        #expect(contentType.hasPrefix("multipart/alternative; boundary=\""))
        let boundary = String(contentType.split(separator: "\"")[1])
        let sections = received.text.components(separatedBy: "--\(boundary)")
        #expect(sections.count == 4)  // preamble, text, html, "--" epilogue
        #expect(sections[3].hasPrefix("--"))
        let parts = sections[1...2].map { section -> (type: String, body: String) in
            let pieces = section.components(separatedBy: "\r\n\r\n")
            let type = pieces[0].components(separatedBy: "\r\n").first { $0.hasPrefix("Content-Type:") } ?? ""
            #expect(pieces[0].contains("Content-Transfer-Encoding: base64"))
            let body = Data(base64Encoded: pieces[1].replacingOccurrences(of: "\r\n", with: "")).map { String(decoding: $0, as: UTF8.self) } ?? "<bad base64>"
            return (type, body)
        }
        #expect(parts[0].type == "Content-Type: text/plain; charset=UTF-8")
        #expect(parts[0].body == "Dear Ananya,\r\nWe received ₹1,25,000 for your wedding.\r\n.\r\nRoch Events")
        #expect(parts[1].type == "Content-Type: text/html; charset=UTF-8")
        #expect(parts[1].body == "<p>Dear Ananya,</p>\r\n<p>We received <b>₹1,25,000</b>.</p>")
        #expect(!received.text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
    }

    @Test func aTextOnlyMessageIsASinglePlainPart() async throws {
        let sink = try SMTPSink()
        defer { sink.shutdown() }
        let mailer = Mailer(configuration: .init(smtpURL: sink.url(), from: "bookings@roch.example", fromName: nil, caFile: sink.caFile))
        _ = try await mailer.send(EmailMessage(to: "team@roch.example", subject: "New lead", text: "Booking enquiry from Ananya"))
        let received = try #require(sink.messages.first)
        #expect(received.header("Content-Type") == "text/plain; charset=UTF-8")
        #expect(received.header("Subject") == "New lead")
        #expect(received.header("From") == "<bookings@roch.example>")
        #expect(received.authenticatedUser == nil)
    }

    @Test func wrongCredentialsAreRejectedWithTheSMTPCode() async throws {
        let sink = try SMTPSink(credentials: ("mailer", "right"))
        defer { sink.shutdown() }
        let mailer = Mailer(configuration: .init(smtpURL: sink.url(user: "mailer", password: "wrong"), from: "bookings@roch.example", caFile: sink.caFile))
        do {
            _ = try await mailer.send(message)
            Issue.record("expected a rejection")
        } catch {
            #expect(error.kind == .rejected)
            #expect(error.smtpCode == 535)
        }
        #expect(sink.messages.isEmpty)
    }

    @Test func headerInjectionIsRefusedBeforeAnythingIsSent() async throws {
        let sink = try SMTPSink()
        defer { sink.shutdown() }
        let mailer = Mailer(configuration: .init(smtpURL: sink.url(), from: "bookings@roch.example", caFile: sink.caFile))
        await #expect { try await mailer.send(EmailMessage(to: "a@example.com", subject: "Hi\r\nBcc: all@example.com", text: "x")) } throws: {
            ($0 as? MailError)?.kind == .headerInjection
        }
        #expect(sink.commands.isEmpty)
    }

    @Test func smtpURLsUpgradeWithSTARTTLSBeforeAuthenticatingAndTheMessageTravelsEncrypted() async throws {
        let sink = try SMTPSink()
        defer { sink.shutdown() }
        let mailer = Mailer(configuration: .init(smtpURL: sink.url(user: "mailer", password: "s3cret"), from: "bookings@roch.example", caFile: sink.caFile))
        _ = try await mailer.send(message)
        #expect(sink.messages.count == 1)
        #expect(sink.messages.first?.overTLS == true)
        let verbs = sink.commands.map { $0.split(separator: " ").first.map(String.init)?.uppercased() ?? "" }
        let startTLS = try #require(verbs.firstIndex(of: "STARTTLS"))
        let auth = try #require(verbs.firstIndex(of: "AUTH"))
        #expect(startTLS < auth)
    }

    @Test func aServerThatDoesNotOfferSTARTTLSGetsNeitherCredentialsNorTheMessage() async throws {
        let sink = try SMTPSink(credentials: ("mailer", "s3cret"), startTLS: false)
        defer { sink.shutdown() }
        let mailer = Mailer(configuration: .init(smtpURL: sink.url(user: "mailer", password: "s3cret"), from: "bookings@roch.example"))
        do {
            _ = try await mailer.send(message)
            Issue.record("expected sending to fail without STARTTLS")
        } catch {
            #expect(error.kind == .tlsUnavailable)
            #expect(error.description.contains("does not offer STARTTLS"))
            #expect(error.description.contains("127.0.0.1:\(sink.port)"))
            #expect(!error.description.contains("s3cret"))
        }
        #expect(sink.messages.isEmpty)
        #expect(!sink.commands.contains { $0.uppercased().hasPrefix("AUTH") || $0.uppercased().hasPrefix("MAIL") })
    }

    @Test func aCertificateTheMailerDoesNotTrustIsRefused() async throws {
        let sink = try SMTPSink()
        defer { sink.shutdown() }
        // No SMTP_CA_FILE: the sink's throwaway certificate is checked against the system's CAs.
        let mailer = Mailer(configuration: .init(smtpURL: sink.url(), from: "bookings@roch.example"))
        await #expect { try await mailer.send(message) } throws: { ($0 as? MailError)?.kind == .tlsUnavailable }
        #expect(sink.messages.isEmpty)
    }

    @Test func theMessageIDOfAKeyIsStableAndFromTheSendersDomain() throws {
        let mailer = Mailer(configuration: .init(smtpURL: "smtp://127.0.0.1:1", from: "bookings@roch.example"))
        let id = mailer.messageID(forKey: "booking_confirmed:42:client:email:asha@example.com:1")
        #expect(id == mailer.messageID(forKey: "booking_confirmed:42:client:email:asha@example.com:1"))
        #expect(id != mailer.messageID(forKey: "booking_confirmed:42:client:email:asha@example.com:2"))
        #expect(id.range(of: #"^<[0-9a-f]{32}@roch\.example>$"#, options: .regularExpression) != nil)
        let (data, composed) = try MailComposer.compose(EmailMessage(to: "a@example.com", subject: "s", text: "t", messageID: id),
                                                        from: "bookings@roch.example", fromName: nil)
        #expect(composed == id)
        #expect(String(decoding: data, as: UTF8.self).contains("\r\nMessage-ID: \(id)\r\n"))
    }

    @Test func anSMTPServerThatIsNotThereIsAConnectionFailure() async throws {
        let sink = try SMTPSink()
        let url = sink.url()
        sink.shutdown()
        let mailer = Mailer(configuration: .init(smtpURL: url, from: "bookings@roch.example"))
        await #expect { try await mailer.send(message) } throws: { ($0 as? MailError)?.kind == .network(.connectionFailed) }
    }
}

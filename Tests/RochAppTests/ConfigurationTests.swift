import RochApp
import Testing

@Suite struct ConfigurationTests {
    let minimal = ["DATABASE_URL": "postgresql://roch@127.0.0.1:5432/roch"]

    @Test func onlyTheDatabaseIsRequiredAndProvidersStayUnconfigured() throws {
        let c = try Configuration(environment: minimal)
        #expect(c.port == 8080)
        #expect(c.siteURL == "http://127.0.0.1:8080")
        #expect(c.razorpay == nil && c.whatsApp == nil && c.mail == nil)
        #expect(c.warnings.contains { $0.contains("skipped: WhatsApp not configured") })
        #expect(c.warnings.contains { $0.contains("pending: Razorpay not configured") })
    }

    @Test func everyProblemIsListedAtOnce() {
        let env = [
            "PORT": "eighty",
            "SITE_URL": "ftp://example.com",
            "RAZORPAY_KEY_ID": "rzp_test_abc",
            "WHATSAPP_ACCESS_TOKEN": "t", "WHATSAPP_PHONE_NUMBER_ID": "12ab", "WHATSAPP_APP_SECRET": "s", "WHATSAPP_VERIFY_TOKEN": "v",
            "SMTP_URL": "http://mail", "MAIL_FROM": "not-an-address",
            "STAFF_WHATSAPP": "+919876543210, 98765",
        ]
        #expect { try Configuration(environment: env) } throws: { error in
            guard let p = error as? Configuration.Problems else { return false }
            let text = p.description
            return p.problems.count == 8
                && text.contains("DATABASE_URL is not set")
                && text.contains("PORT must be a TCP port")
                && text.contains("SITE_URL must be an http(s) URL")
                && text.contains("Razorpay is partly configured: set RAZORPAY_KEY_SECRET, RAZORPAY_WEBHOOK_SECRET")
                && text.contains("WHATSAPP_PHONE_NUMBER_ID must be the numeric id")
                && text.contains("SMTP_URL must start with smtp://")
                && text.contains("MAIL_FROM must be an email address")
                && text.contains("\"98765\" is not a phone number")
        }
    }

    @Test func fullyConfiguredProvidersUseDefaultBasesUnlessOverridden() throws {
        var env = minimal
        env["RAZORPAY_KEY_ID"] = "rzp_test_1"; env["RAZORPAY_KEY_SECRET"] = "k"; env["RAZORPAY_WEBHOOK_SECRET"] = "w"
        env["WHATSAPP_ACCESS_TOKEN"] = "t"; env["WHATSAPP_PHONE_NUMBER_ID"] = "1234"; env["WHATSAPP_APP_SECRET"] = "s"; env["WHATSAPP_VERIFY_TOKEN"] = "v"
        env["WHATSAPP_API_BASE"] = "http://127.0.0.1:9999/v21.0/"
        env["SMTP_URL"] = "smtps://u:p@mail.example.com:465"; env["MAIL_FROM"] = "Roch Events <hello@rochevents.in>"
        let c = try Configuration(environment: env)
        #expect(c.razorpay?.apiBase == "https://api.razorpay.com")
        #expect(c.whatsApp?.apiBase == "http://127.0.0.1:9999/v21.0")
        #expect(c.mail?.from == "Roch Events <hello@rochevents.in>")
    }

    @Test func envFileParsingHandlesCommentsQuotesAndExport() {
        let parsed = EnvironmentFile.parse("""
            # comment
            export DATABASE_URL="postgresql://x/y"
            PORT = 9090
            MAIL_FROM='Roch <a@b.in>'
            NOEQUALS
            """)
        #expect(parsed == ["DATABASE_URL": "postgresql://x/y", "PORT": "9090", "MAIL_FROM": "Roch <a@b.in>"])
    }
}

import RochCore
import Testing

/// An enquiry for a known number never changes the client; the team is told which details were typed differently.
struct EnquiryContactTests {
    let enquiry = try! EnquiryForm.validate(EnquiryFormTests.valid, today: EnquiryFormTests.today).get()

    @Test func theSameDetailsInAnotherCaseOrSpacingAreNoDifference() {
        #expect(enquiry.contactDifferences(fromName: "ananya  SHARMA", email: "ANANYA@example.com", whatsAppConsent: true) == [])
    }

    @Test func eachDifferingDetailIsNamed() {
        #expect(enquiry.contactDifferences(fromName: "Asha Rao", email: "ananya@example.com", whatsAppConsent: true) == ["name"])
        #expect(enquiry.contactDifferences(fromName: "Ananya Sharma", email: nil, whatsAppConsent: true) == ["email"])
        #expect(enquiry.contactDifferences(fromName: "Ananya Sharma", email: "ananya@example.com", whatsAppConsent: false) == ["WhatsApp consent"])
        #expect(enquiry.contactDifferences(fromName: "Asha Rao", email: "asha@example.com", whatsAppConsent: false)
                == ["name", "email", "WhatsApp consent"])
    }
}

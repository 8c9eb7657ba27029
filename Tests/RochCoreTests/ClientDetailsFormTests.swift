import Testing
import RochCore

struct ClientDetailsFormTests {
    static let valid = ["name": " Ananya Sharma ", "phone": "98765 43210", "email": "Ananya@Example.COM",
                        "whatsapp_consent": "yes", "gstin": " 27aapfu0939f1zv "]

    static func validate(_ changes: [String: String]) -> Result<ClientDetails, FieldErrors> {
        let fields = valid.merging(changes) { $1 }
        return ClientDetailsForm.validate { fields[$0] }
    }

    static func errors(_ changes: [String: String]) -> FieldErrors {
        guard case .failure(let e) = validate(changes) else { return FieldErrors() }
        return e
    }

    @Test func validFormIsNormalised() throws {
        let d = try Self.validate([:]).get()
        #expect(d == ClientDetails(name: "Ananya Sharma", phone: "+919876543210", email: "Ananya@example.com",
                                   whatsAppConsent: true, gstin: "27AAPFU0939F1ZV"))
    }

    @Test func emailAndGSTINMayBeLeftEmpty() throws {
        let d = try Self.validate(["email": "  ", "gstin": ""]).get()
        #expect(d.email == nil)
        #expect(d.gstin == nil)
    }

    @Test func aGSTINWithTheWrongCheckCharacterIsRefusedOnItsField() {
        let e = Self.errors(["gstin": "27AAPFU0939F1ZA"])
        #expect(e["gstin"]?.contains("last character does not match") == true)
        #expect(e.messages.count == 1)
    }

    @Test func aMisshapenGSTINIsExplained() {
        #expect(Self.errors(["gstin": "27AAPFU0939"])["gstin"]?.contains("15 characters") == true)
    }

    @Test func everyBadFieldIsReportedAtOnce() {
        let e = Self.errors(["name": "A", "phone": "12345", "email": "not-an-email", "whatsapp_consent": "", "gstin": "X"])
        #expect(e.messages.map(\.field) == ["name", "phone", "email", "whatsapp_consent", "gstin"])
        #expect(Self.errors(["phone": ""])["phone"] == PhoneNumberError.empty.message)
    }

    static let stored = ClientDetails(name: "Ananya Sharma", phone: "+919876543210", email: "ananya@example.com", whatsAppConsent: false)

    @Test func changesListOnlyWhatDiffersWithBeforeAndAfter() {
        var after = Self.stored
        after.email = "ANANYA@example.com"  // the same address
        #expect(ClientDetailsForm.changes(from: Self.stored, to: after).isEmpty)
        after.phone = "+919820012345"
        after.whatsAppConsent = true
        after.gstin = "27AAPFU0939F1ZV"
        let changes = ClientDetailsForm.changes(from: Self.stored, to: after)
        #expect(changes == [
            ClientDetailChange(field: "phone", label: "Mobile number", before: "+919876543210", after: "+919820012345"),
            ClientDetailChange(field: "whatsapp_consent", label: "WhatsApp messages agreed", before: "no", after: "yes"),
            ClientDetailChange(field: "gstin", label: "GSTIN", before: "not given", after: "27AAPFU0939F1ZV"),
        ])
        #expect(ClientDetailsForm.auditDetails(changes)["gstin.before"] == "not given")
        #expect(ClientDetailsForm.auditDetails(changes)["phone.after"] == "+919820012345")
    }

    @Test func adoptingAnEnquiryTakesItsNameEmailAndConsentOnly() {
        var stored = Self.stored
        stored.gstin = "27AAPFU0939F1ZV"
        let adopted = SubmittedContactAdoption.adopted(stored, name: "Ananya S. Rao", email: "ananya.rao@example.org", whatsAppConsent: true)
        #expect(adopted == ClientDetails(name: "Ananya S. Rao", phone: stored.phone, email: "ananya.rao@example.org",
                                         whatsAppConsent: true, gstin: "27AAPFU0939F1ZV"))
        #expect(SubmittedContactAdoption.differences(stored, name: "Ananya S. Rao", email: "ananya.rao@example.org", whatsAppConsent: true)
            .map(\.field) == ["name", "email", "whatsapp_consent"])
    }

    @Test func anEnquiryThatTypedWhatIsStoredOffersNothingToAdopt() {
        #expect(SubmittedContactAdoption.differences(Self.stored, name: "Ananya Sharma", email: "Ananya@EXAMPLE.com", whatsAppConsent: false).isEmpty)
        #expect(SubmittedContactAdoption.differences(Self.stored, name: nil, email: nil, whatsAppConsent: nil).isEmpty)
    }
}

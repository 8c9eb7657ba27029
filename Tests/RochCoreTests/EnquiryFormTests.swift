import Testing
import RochCore

struct EnquiryFormTests {
    static let today = CalendarDay(year: 2026, month: 11, day: 25)!

    static let valid: [String: [String]] = [
        "name": ["  Ananya Sharma "], "phone": ["98765 43210"], "email": ["Ananya@Example.COM"],
        "event_type": ["wedding"], "event_date": ["2027-02-14"], "city": ["Jaipur"], "venue": [""],
        "guests": ["350"], "budget": ["25l_50l"], "services": ["decor", "catering", "decor"],
        "notes": ["Outdoor pheras at sunset.\nVegetarian menu."], "whatsapp_consent": ["yes"],
        "idempotency_key": ["form-1a2b3c4d"], "website": [""], "utm_source": ["instagram"],
    ]

    static func errors(_ changes: [String: [String]]) -> [String: String] {
        let fields = valid.merging(changes) { $1 }
        guard case .failure(let errors) = EnquiryForm.validate(fields, today: today) else { return [:] }
        return errors.fields
    }

    @Test func validFormBecomesANormalisedEnquiry() throws {
        let enquiry = try EnquiryForm.validate(Self.valid, today: Self.today).get()
        #expect(enquiry.name == "Ananya Sharma")
        #expect(enquiry.phone.e164 == "+919876543210")
        #expect(enquiry.email == "Ananya@example.com")
        #expect(enquiry.eventType == .wedding)
        #expect(enquiry.eventDate == CalendarDay(year: 2027, month: 2, day: 14))
        #expect(enquiry.venue == nil)
        #expect(enquiry.guests == 350)
        #expect(enquiry.budget == .from25To50Lakh)
        #expect(enquiry.services == [.decor, .catering])
        #expect(enquiry.notes == "Outdoor pheras at sunset.\nVegetarian menu.")
        #expect(enquiry.whatsAppConsent)
        #expect(enquiry.idempotencyKey == "form-1a2b3c4d")
        #expect(!enquiry.isSpam)
    }

    @Test func emptyFormReportsEveryRequiredFieldAtOnce() {
        guard case .failure(let errors) = EnquiryForm.validate([:], today: Self.today) else {
            Issue.record("empty form accepted"); return
        }
        #expect(Set(errors.fields.keys) == ["name", "phone", "email", "event_type", "event_date", "city",
                                            "guests", "budget", "services", "whatsapp_consent"])
        #expect(!errors.isSpam)
    }

    @Test func phoneErrorsUseTheVisitorFacingWording() {
        #expect(Self.errors(["phone": ["12345"]])["phone"] == "Enter a 10-digit mobile number, e.g. 98765 43210")
        #expect(Self.errors(["phone": ["+44 20 7946 0958"]])["phone"] == nil)
    }

    @Test func nameLengthAndControlCharactersAreChecked() {
        #expect(Self.errors(["name": ["A"]])["name"] != nil)
        #expect(Self.errors(["name": [String(repeating: "a", count: 101)]])["name"] != nil)
        #expect(Self.errors(["name": [String(repeating: "a", count: 100)]])["name"] == nil)
        #expect(Self.errors(["name": ["Ana\nnya"]])["name"] != nil)
        #expect(Self.errors(["city": ["Jai\u{0}pur"]])["city"] != nil)
    }

    @Test(arguments: ["ananya", "ananya@", "@example.com", "a@b", "a b@example.com", "a@@example.com", "a@example..com", "a@-x.com"])
    func implausibleEmailsAreRejected(email: String) {
        #expect(Self.errors(["email": [email]])["email"] == "Enter a valid email address, e.g. name@example.com")
    }

    @Test func eventDateMustBeFromTodayUpToThreeYearsAhead() {
        #expect(Self.errors(["event_date": ["2026-11-25"]])["event_date"] == nil)
        #expect(Self.errors(["event_date": ["2026-11-24"]])["event_date"]?.contains("past") == true)
        #expect(Self.errors(["event_date": ["2029-11-25"]])["event_date"] == nil)
        #expect(Self.errors(["event_date": ["2029-11-26"]])["event_date"]?.contains("3 years") == true)
        #expect(Self.errors(["event_date": ["14/02/2027"]])["event_date"]?.contains("YYYY-MM-DD") == true)
        #expect(Self.errors(["event_date": ["2027-02-30"]])["event_date"] != nil)
    }

    @Test func guestsAreAWholeNumberUpToFiveThousand() throws {
        #expect(Self.errors(["guests": ["10,000 guests"]])["guests"]?.contains("5,000") == true)
        #expect(Self.errors(["guests": ["5001"]])["guests"]?.contains("5,000") == true)
        #expect(Self.errors(["guests": ["99999999999999999999999"]])["guests"]?.contains("5,000") == true)
        #expect(Self.errors(["guests": ["0"]])["guests"] != nil)
        #expect(Self.errors(["guests": ["-5"]])["guests"] != nil)
        #expect(Self.errors(["guests": ["about 300"]])["guests"] != nil)
        #expect(Self.errors(["guests": ["2.5"]])["guests"] != nil)
        let fields = Self.valid.merging(["guests": ["5,000 guests"]]) { $1 }
        #expect(try EnquiryForm.validate(fields, today: Self.today).get().guests == 5_000)
    }

    @Test func choicesMustComeFromTheLists() {
        #expect(Self.errors(["event_type": ["funeral"]])["event_type"] != nil)
        #expect(Self.errors(["budget": ["1cr"]])["budget"] != nil)
        #expect(Self.errors(["services": ["decor", "fireworks"]])["services"] != nil)
        #expect(Self.errors(["services": ["", " "]])["services"]?.contains("at least one") == true)
    }

    @Test func optionalFieldsHaveLimits() {
        #expect(Self.errors(["venue": [String(repeating: "v", count: 201)]])["venue"] != nil)
        #expect(Self.errors(["notes": [String(repeating: "n", count: 2_001)]])["notes"] != nil)
        #expect(Self.errors(["notes": ["<script>alert(1)</script>"]])["notes"] == nil)
        #expect(Self.errors(["idempotency_key": ["short"]])["idempotency_key"] != nil)
        #expect(Self.errors(["idempotency_key": ["has space 123"]])["idempotency_key"] != nil)
        #expect(Self.errors(["idempotency_key": ["", ]])["idempotency_key"] == nil)
    }

    @Test func whatsAppConsentMustBeAnExplicitYesOrNo() throws {
        #expect(Self.errors(["whatsapp_consent": [""]])["whatsapp_consent"] != nil)
        #expect(Self.errors(["whatsapp_consent": ["on"]])["whatsapp_consent"] != nil)
        let fields = Self.valid.merging(["whatsapp_consent": ["No"]]) { $1 }
        #expect(try EnquiryForm.validate(fields, today: Self.today).get().whatsAppConsent == false)
    }

    @Test func filledHoneypotFlagsSpamWithoutAFieldError() throws {
        let fields = Self.valid.merging(["website": ["http://spam.example"]]) { $1 }
        #expect(try EnquiryForm.validate(fields, today: Self.today).get().isSpam)
        guard case .failure(let errors) = EnquiryForm.validate(["website": ["x"]], today: Self.today) else {
            Issue.record("accepted"); return
        }
        #expect(errors.isSpam)
        #expect(errors.fields["website"] == nil)
    }

    @Test func optionListsCarryDisplayLabels() {
        #expect(BudgetRange.options.first == FormOption(value: "under_5l", label: "Under ₹5 lakh"))
        #expect(BudgetRange.options.map(\.value) == ["under_5l", "5l_10l", "10l_25l", "25l_50l", "50l_1cr", "above_1cr"])
        #expect(EventType.options.map(\.value) == ["wedding", "sangeet", "mehndi", "haldi", "reception", "engagement",
                                                   "corporate", "birthday", "private_party", "other"])
        #expect(EventService.options.count == 11)
        #expect(EventService.options.contains(FormOption(value: "mehndi_artist", label: "Mehndi artist")))
    }
}

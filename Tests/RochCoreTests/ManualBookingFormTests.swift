import Testing
import RochCore

struct ManualBookingFormTests {
    static let today = CalendarDay(year: 2026, month: 11, day: 25)!
    static let valid: [String: [String]] = [
        "name": ["Ravi Mehta"], "phone": ["98200 12345"], "email": ["ravi@example.com"], "event_type": ["wedding"],
        "event_date": ["2027-02-14"], "city": ["Mumbai"], "guests": ["200"], "budget": ["25l_50l"], "services": ["decor"],
        "whatsapp_consent": ["no"], "source": ["walk_in"],
    ]

    @Test func aValidFormIsTheEnquiryThePublicFormWouldMakeWithItsSource() throws {
        let m = try ManualBookingForm.validate(Self.valid, today: Self.today).get()
        var publicFields = Self.valid
        publicFields["source"] = nil
        #expect(m.enquiry == (try EnquiryForm.validate(publicFields, today: Self.today).get()))
        #expect(m.source == .walkIn)
        #expect(!m.enquiry.whatsAppConsent)
    }

    @Test func theHoneypotAndSubmissionKeyAreNotReadFromStaff() throws {
        let m = try ManualBookingForm.validate(Self.valid.merging(["website": ["x"], "idempotency_key": ["bad key!"]]) { $1 }, today: Self.today).get()
        #expect(!m.enquiry.isSpam)
        #expect(m.enquiry.idempotencyKey == nil)
    }

    @Test func enquiryErrorsAndTheSourceAreReportedTogether() {
        guard case .failure(let e) = ManualBookingForm.validate(Self.valid.merging(["phone": ["123"], "source": ["website"]]) { $1 }, today: Self.today) else {
            Issue.record("accepted"); return
        }
        #expect(Set(e.fields.keys) == ["phone", "source"])
        #expect(e.fields["source"] == "Choose one of the listed sources.")
        guard case .failure(let missing) = ManualBookingForm.validate(Self.valid.merging(["source": [""]]) { $1 }, today: Self.today) else {
            Issue.record("accepted"); return
        }
        #expect(missing.fields == ["source": "Choose how the booking reached us."])
    }

    @Test func everySourceTheTeamCanChooseIsAccepted() throws {
        for source in BookingSource.byHand {
            #expect(try ManualBookingForm.validate(Self.valid.merging(["source": [source.rawValue]]) { $1 }, today: Self.today).get().source == source)
        }
    }
}

/// How a booking reached Roch: the website's form, or the team taking it down by hand.
public enum BookingSource: String, Sendable, CaseIterable, Codable {
    case website
    case phone
    case whatsApp = "whatsapp"
    case walkIn = "walk_in"
    case referral

    public var label: String {
        switch self {
        case .website: "The website's booking form"
        case .phone: "Phone call"
        case .whatsApp: "WhatsApp"
        case .walkIn: "Walk-in"
        case .referral: "Referral"
        }
    }

    /// What the team may choose when they enter a booking by hand.
    public static let byHand: [BookingSource] = [.phone, .whatsApp, .walkIn, .referral]
}

/// A booking the team enters by hand: the enquiry (checked exactly as the public form checks one)
/// and where it came from.
public struct ManualBooking: Sendable, Equatable {
    public var enquiry: Enquiry
    public var source: BookingSource

    public init(enquiry: Enquiry, source: BookingSource) {
        self.enquiry = enquiry
        self.source = source
    }
}

/// The staff's "new booking" form: the public booking form's fields and rules plus the source.
public enum ManualBookingForm {
    public static let sourceField = "source"
    public static let fields = EnquiryForm.Field.allCases.filter { $0 != .website && $0 != .idempotencyKey }.map(\.rawValue) + [sourceField]

    /// `EnquiryForm.validate` for every enquiry field (the honeypot and submission key are never read:
    /// the team is signed in), and a source from `BookingSource.byHand`.
    public static func validate(_ fields: [String: [String]], today: CalendarDay) -> Result<ManualBooking, ValidationErrors> {
        var enquiryFields = fields
        enquiryFields[EnquiryForm.Field.website.rawValue] = nil
        enquiryFields[EnquiryForm.Field.idempotencyKey.rawValue] = nil
        let enquiry = EnquiryForm.validate(enquiryFields, today: today)
        var errors: [String: String] = [:]
        if case .failure(let e) = enquiry { errors = e.fields }
        let sourceText = (fields[sourceField]?.first ?? "").trimmingCharacters(in: .whitespaces)
        let source = BookingSource(rawValue: sourceText).flatMap { BookingSource.byHand.contains($0) ? $0 : nil }
        if source == nil {
            errors[sourceField] = sourceText.isEmpty ? "Choose how the booking reached us." : "Choose one of the listed sources."
        }
        guard errors.isEmpty, case .success(let e) = enquiry, let source else { return .failure(ValidationErrors(fields: errors)) }
        return .success(ManualBooking(enquiry: e, source: source))
    }
}

import Foundation

/// A valid enquiry from the site's booking form, normalised and ready to store.
public struct Enquiry: Sendable, Equatable, Codable {
    public var name: String
    public var phone: PhoneNumber
    public var email: String
    public var eventType: EventType
    public var eventDate: CalendarDay
    public var city: String
    public var venue: String?
    public var guests: Int
    public var budget: BudgetRange
    /// In the order given, without duplicates.
    public var services: [EventService]
    /// Stored exactly as typed (trimmed); escape when showing it.
    public var notes: String?
    public var whatsAppConsent: Bool
    public var idempotencyKey: String?
    /// The hidden "website" field was filled in: accept quietly, store nothing, send nothing.
    public var isSpam: Bool

    public init(name: String, phone: PhoneNumber, email: String, eventType: EventType, eventDate: CalendarDay,
                city: String, venue: String? = nil, guests: Int, budget: BudgetRange, services: [EventService],
                notes: String? = nil, whatsAppConsent: Bool, idempotencyKey: String? = nil, isSpam: Bool = false) {
        self.name = name
        self.phone = phone
        self.email = email
        self.eventType = eventType
        self.eventDate = eventDate
        self.city = city
        self.venue = venue
        self.guests = guests
        self.budget = budget
        self.services = services
        self.notes = notes
        self.whatsAppConsent = whatsAppConsent
        self.idempotencyKey = idempotencyKey
        self.isSpam = isSpam
    }
}

/// Every problem with a submitted form at once, keyed by field name.
public struct ValidationErrors: Error, Sendable, Equatable, Codable {
    /// Field name -> one message the visitor can act on.
    public var fields: [String: String]
    /// The honeypot was filled in (not a field error: never show it to the visitor).
    public var isSpam: Bool

    public init(fields: [String: String] = [:], isSpam: Bool = false) {
        self.fields = fields
        self.isSpam = isSpam
    }
}

/// Validation of the booking form (contract: the field names and rules below).
public enum EnquiryForm {
    /// The form's field names.
    public enum Field: String, CaseIterable, Sendable {
        case name, phone, email
        case eventType = "event_type"
        case eventDate = "event_date"
        case city, venue, guests, budget, services, notes
        case whatsAppConsent = "whatsapp_consent"
        case idempotencyKey = "idempotency_key"
        /// The honeypot: hidden from people, filled in by bots.
        case website
    }

    public static let maximumGuests = 5_000
    public static let maximumYearsAhead = 3

    /// Checks `fields` (repeated keys for services; unknown keys ignored) against the contract.
    /// `today` is today's date in India.
    public static func validate(_ fields: [String: [String]], today: CalendarDay) -> Result<Enquiry, ValidationErrors> {
        var errors: [String: String] = [:]
        func value(_ field: Field) -> String {
            (fields[field.rawValue]?.first ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        }
        func fail(_ field: Field, _ message: String) { errors[field.rawValue] = message }
        /// A required or optional single-line text within `range` characters.
        func line(_ field: Field, _ range: ClosedRange<Int>, required: String?, what: String) -> String? {
            let text = value(field)
            if text.isEmpty {
                if let required { fail(field, required) }
                return nil
            }
            if text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                fail(field, "\(what) must be on one line, without special characters.")
                return nil
            }
            if text.count < range.lowerBound {
                fail(field, "\(what) needs at least \(range.lowerBound) characters.")
                return nil
            }
            if text.count > range.upperBound {
                fail(field, "\(what) can be at most \(range.upperBound) characters.")
                return nil
            }
            return text
        }

        let isSpam = !value(.website).isEmpty

        let name = line(.name, 2...100, required: "Enter your name.", what: "Your name")

        var phone: PhoneNumber?
        if let text = line(.phone, 1...40, required: PhoneNumberError.empty.message, what: "Your mobile number") {
            do { phone = try PhoneNumber.parse(text) } catch let error as PhoneNumberError { fail(.phone, error.message) } catch {}
        }

        var email: String?
        if let text = line(.email, 3...254, required: "Enter your email address; we send your proposal there.", what: "Your email address") {
            if let normalised = normaliseEmail(text) { email = normalised } else {
                fail(.email, "Enter a valid email address, e.g. name@example.com")
            }
        }

        var eventType: EventType?
        let eventTypeText = value(.eventType)
        if eventTypeText.isEmpty { fail(.eventType, "Choose the kind of event.") }
        else if let parsed = EventType(rawValue: eventTypeText) { eventType = parsed }
        else { fail(.eventType, "Choose one of the listed kinds of event.") }

        var eventDate: CalendarDay?
        let dateText = value(.eventDate)
        let latest = CalendarDay(year: today.year + maximumYearsAhead, month: today.month, day: today.day)
            ?? CalendarDay(year: today.year + maximumYearsAhead, month: today.month, day: 28)!
        if dateText.isEmpty { fail(.eventDate, "Choose the date of your event.") }
        else if let parsed = CalendarDay(dateText) {
            if parsed < today { fail(.eventDate, "The event date is in the past; choose today or a later date.") }
            else if parsed > latest { fail(.eventDate, "We take bookings up to \(maximumYearsAhead) years ahead, until \(latest).") }
            else { eventDate = parsed }
        } else { fail(.eventDate, "Enter the date as YYYY-MM-DD, e.g. \(today.adding(days: 90)).") }

        let city = line(.city, 2...80, required: "Enter the city of the event.", what: "The city")
        let venue = line(.venue, 1...200, required: nil, what: "The venue")

        var guests: Int?
        switch parseGuests(value(.guests)) {
        case .success(let count): guests = count
        case .failure(let error): fail(.guests, error.message)
        }

        var budget: BudgetRange?
        let budgetText = value(.budget)
        if budgetText.isEmpty { fail(.budget, "Choose a budget range.") }
        else if let parsed = BudgetRange(rawValue: budgetText) { budget = parsed }
        else { fail(.budget, "Choose one of the listed budget ranges.") }

        var services: [EventService] = []
        var unknownServices: [String] = []
        for raw in fields[Field.services.rawValue] ?? [] {
            let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if text.isEmpty { continue }
            if let service = EventService(rawValue: text) {
                if !services.contains(service) { services.append(service) }
            } else { unknownServices.append(text) }
        }
        if !unknownServices.isEmpty { fail(.services, "Choose services from the list.") }
        else if services.isEmpty { fail(.services, "Choose at least one service you would like from us.") }

        var notes: String?
        let notesText = value(.notes)
        if !notesText.isEmpty {
            if notesText.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && !"\n\r\t".unicodeScalars.contains($0) }) {
                fail(.notes, "Your notes contain characters we cannot store; please retype them.")
            } else if notesText.count > 2_000 {
                fail(.notes, "Notes can be at most 2,000 characters (yours has \(notesText.count)).")
            } else { notes = notesText }
        }

        var consent: Bool?
        switch value(.whatsAppConsent).lowercased() {
        case "yes": consent = true
        case "no": consent = false
        case "": fail(.whatsAppConsent, "Tell us whether Roch Events may send you updates on WhatsApp (yes or no).")
        default: fail(.whatsAppConsent, "Answer yes or no to WhatsApp updates.")
        }

        var idempotencyKey: String?
        let keyText = value(.idempotencyKey)
        if !keyText.isEmpty {
            let allowed = keyText.unicodeScalars.allSatisfy { ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || $0 == "_" || $0 == "-" }
            if allowed && (8...100).contains(keyText.count) { idempotencyKey = keyText }
            else { fail(.idempotencyKey, "The form's submission key is malformed; reload the page and try again.") }
        }

        guard errors.isEmpty, let name, let phone, let email, let eventType, let eventDate, let city,
              let guests, let budget, let consent else {
            return .failure(ValidationErrors(fields: errors, isSpam: isSpam))
        }
        return .success(Enquiry(name: name, phone: phone, email: email, eventType: eventType, eventDate: eventDate,
                                city: city, venue: venue, guests: guests, budget: budget, services: services,
                                notes: notes, whatsAppConsent: consent, idempotencyKey: idempotencyKey, isSpam: isSpam))
    }

    private struct GuestError: Error { let message: String }

    /// A whole number 1...5000; grouping commas and a trailing "guests"/"people"/"pax" are tolerated.
    private static func parseGuests(_ text: String) -> Result<Int, GuestError> {
        if text.isEmpty { return .failure(GuestError(message: "Enter the number of guests, e.g. 250.")) }
        var number = text.lowercased()
        for word in ["guests", "guest", "people", "pax"] where number.hasSuffix(word) {
            number = String(number.dropLast(word.count)).trimmingCharacters(in: .whitespaces)
            break
        }
        number = number.replacingOccurrences(of: ",", with: "")
        guard !number.isEmpty, number.allSatisfy(\.isASCIIDigit) else {
            return .failure(GuestError(message: "Enter the number of guests as a whole number, e.g. 250."))
        }
        let significant = number.drop { $0 == "0" }
        guard significant.count <= 9, let count = Int(significant.isEmpty ? "0" : String(significant)) else {
            return .failure(GuestError(message: "We can plan for up to 5,000 guests; enter 5000 or fewer and tell us more in your notes."))
        }
        if count < 1 { return .failure(GuestError(message: "Enter at least 1 guest.")) }
        if count > maximumGuests {
            return .failure(GuestError(message: "We can plan for up to 5,000 guests; enter 5000 or fewer and tell us more in your notes."))
        }
        return .success(count)
    }

    /// A sane-looking address (one "@", a dotted domain, no spaces), domain lowercased; else nil.
    static func normaliseEmail(_ text: String) -> String? {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        let local = parts[0], domain = parts[1].lowercased()
        guard (1...64).contains(local.count), !local.contains(where: { $0.isWhitespace || $0 == "<" || $0 == ">" || $0 == "," }),
              !local.hasPrefix("."), !local.hasSuffix("."), !local.contains("..") else { return nil }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy({ label in
            !label.isEmpty && label.count <= 63 && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.unicodeScalars.allSatisfy { ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || $0 == "-" || !$0.isASCII }
        }), let tld = labels.last, tld.count >= 2, !tld.allSatisfy(\.isASCIIDigit) else { return nil }
        return local + "@" + domain
    }
}

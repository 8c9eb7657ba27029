import Foundation

/// A client's contact and tax details as the team keeps them.
public struct ClientDetails: Sendable, Equatable {
    public var name: String
    /// E.164, e.g. +919820012345.
    public var phone: String
    public var email: String?
    public var whatsAppConsent: Bool
    /// Upper case, checked (`IndianTaxID.isValidGSTIN`); invoices print it.
    public var gstin: String?

    public init(name: String, phone: String, email: String?, whatsAppConsent: Bool, gstin: String? = nil) {
        self.name = name
        self.phone = phone
        self.email = email
        self.whatsAppConsent = whatsAppConsent
        self.gstin = gstin
    }
}

/// One detail that a change alters, as the audit trail and the booking page show it.
public struct ClientDetailChange: Sendable, Equatable {
    /// The form's field name ("name", "phone", "email", "whatsapp_consent", "gstin").
    public var field: String
    public var label: String
    /// As people read it ("not given", "yes", "no" for consent).
    public var before: String
    public var after: String

    public init(field: String, label: String, before: String, after: String) {
        self.field = field
        self.label = label
        self.before = before
        self.after = after
    }
}

/// The staff's client details form: its fields, its checks, and what a change alters.
public enum ClientDetailsForm {
    public static let fields = ["name", "phone", "email", "whatsapp_consent", "gstin"]

    /// Reads the form. Name, phone and email follow the public booking form's rules (email may be left
    /// empty here: a client who called may not have given one); the GSTIN the vendors desk's check.
    public static func validate(_ value: (String) -> String?) -> Result<ClientDetails, FieldErrors> {
        var errors = FieldErrors()
        func text(_ name: String) -> String { (value(name) ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
        let nameText = text("name")
        var name: String?
        if nameText.isEmpty { errors.add("name", "Enter the client's name.") }
        else if nameText.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            errors.add("name", "The name must be on one line, without special characters.")
        } else if !(2...100).contains(nameText.count) { errors.add("name", "The name needs 2 to 100 characters.") }
        else { name = nameText }

        var phone: String?
        let phoneText = text("phone")
        if phoneText.count > 40 { errors.add("phone", "The mobile number can be at most 40 characters.") }
        else {
            do { phone = try PhoneNumber.parse(phoneText).e164 }
            catch let error as PhoneNumberError { errors.add("phone", error.message) }
            catch { errors.add("phone", PhoneNumberError.empty.message) }
        }

        var email: String?
        let emailText = text("email")
        if !emailText.isEmpty {
            if emailText.count <= 254, let normalised = EnquiryForm.normaliseEmail(emailText) { email = normalised }
            else { errors.add("email", "Enter a valid email address, e.g. name@example.com, or leave it empty.") }
        }

        var consent: Bool?
        switch text("whatsapp_consent").lowercased() {
        case "yes": consent = true
        case "no": consent = false
        default: errors.add("whatsapp_consent", "Say whether the client agreed to WhatsApp messages (yes or no).")
        }

        let gstin = gstin(text("gstin"), errors: &errors)

        guard errors.isEmpty, let name, let phone, let consent else { return .failure(errors) }
        return .success(ClientDetails(name: name, phone: phone, email: email, whatsAppConsent: consent, gstin: gstin))
    }

    /// A GSTIN as typed (spaces removed, upper-cased), checked exactly as the vendors desk checks one.
    static func gstin(_ typed: String, errors: inout FieldErrors) -> String? {
        let g = typed.uppercased().replacingOccurrences(of: " ", with: "")
        if g.isEmpty { return nil }
        if g.count <= 20, IndianTaxID.isValidGSTIN(g) { return g }
        errors.add("gstin", GSTIN.isWellFormed(g)
            ? "This GSTIN's last character does not match (a typing mistake?). Check it against the client's GST certificate."
            : "A GSTIN has 15 characters: state code, PAN, entity number, Z and a check character, e.g. 27AAPFU0939F1ZV. Leave it empty if the client has none.")
        return nil
    }

    /// What going from `before` to `after` alters, in the form's order. An email differing only in
    /// case is the same address.
    public static func changes(from before: ClientDetails, to after: ClientDetails) -> [ClientDetailChange] {
        func shown(_ s: String?) -> String { s ?? "not given" }
        func yesNo(_ b: Bool) -> String { b ? "yes" : "no" }
        var out: [ClientDetailChange] = []
        if before.name != after.name { out.append(.init(field: "name", label: "Name", before: before.name, after: after.name)) }
        if before.phone != after.phone { out.append(.init(field: "phone", label: "Mobile number", before: before.phone, after: after.phone)) }
        if before.email?.lowercased() != after.email?.lowercased() {
            out.append(.init(field: "email", label: "Email", before: shown(before.email), after: shown(after.email)))
        }
        if before.whatsAppConsent != after.whatsAppConsent {
            out.append(.init(field: "whatsapp_consent", label: "WhatsApp messages agreed", before: yesNo(before.whatsAppConsent), after: yesNo(after.whatsAppConsent)))
        }
        if before.gstin != after.gstin { out.append(.init(field: "gstin", label: "GSTIN", before: shown(before.gstin), after: shown(after.gstin))) }
        return out
    }

    /// The audit row's details for `changes`: "<field>.before" and "<field>.after" for each.
    public static func auditDetails(_ changes: [ClientDetailChange]) -> [String: String] {
        var details: [String: String] = [:]
        for c in changes {
            details["\(c.field).before"] = c.before
            details["\(c.field).after"] = c.after
        }
        return details
    }
}

/// What a visitor typed on a later enquiry, kept on the booking (the public form never changes a
/// stored client), and the client's details once the team adopts it.
public enum SubmittedContactAdoption {
    /// `stored` with the typed name, email and consent taken over; a detail not typed (nil) stays,
    /// and so do the phone (the client is found by it) and the GSTIN (the form does not ask for one).
    public static func adopted(_ stored: ClientDetails, name: String?, email: String?, whatsAppConsent: Bool?) -> ClientDetails {
        var out = stored
        if let name, !name.isEmpty { out.name = name }
        if let email, !email.isEmpty, email.lowercased() != stored.email?.lowercased() { out.email = email }
        if let whatsAppConsent { out.whatsAppConsent = whatsAppConsent }
        return out
    }

    /// Which details adopting would alter; empty when the enquiry typed what is stored.
    public static func differences(_ stored: ClientDetails, name: String?, email: String?, whatsAppConsent: Bool?) -> [ClientDetailChange] {
        ClientDetailsForm.changes(from: stored, to: adopted(stored, name: name, email: email, whatsAppConsent: whatsAppConsent))
    }
}

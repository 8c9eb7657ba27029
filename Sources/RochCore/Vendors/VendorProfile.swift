/// What Roch books a vendor for (the `vendors.category` column).
public enum VendorCategory: String, Sendable, CaseIterable, Codable {
    case caterer, decorator, photographer, florist, entertainment, venue, makeup, transport, other

    public var label: String {
        switch self {
        case .caterer: "Caterer"
        case .decorator: "Decorator"
        case .photographer: "Photographer"
        case .florist: "Florist"
        case .entertainment: "Entertainment"
        case .venue: "Venue"
        case .makeup: "Make-up"
        case .transport: "Transport"
        case .other: "Other"
        }
    }
}

/// How Roch pays a vendor (the `payout_method` column and a vendor payment's `method`).
public enum VendorPayoutMethod: String, Sendable, CaseIterable, Codable {
    case upi, bankTransfer = "bank_transfer", cheque, cash

    public var label: String {
        switch self {
        case .upi: "UPI"
        case .bankTransfer: "Bank transfer"
        case .cheque: "Cheque"
        case .cash: "Cash"
        }
    }
}

/// Indian tax and bank identifiers as a vendor's paperwork carries them.
public enum IndianTaxID {
    /// PAN: five letters, four digits, one letter (e.g. AAPFU0939F).
    public static func isPAN(_ s: String) -> Bool {
        let c = Array(s.utf8)
        guard c.count == 10 else { return false }
        func letter(_ i: Int) -> Bool { (65...90).contains(c[i]) }
        return (0...4).allSatisfy(letter) && (5...8).allSatisfy { (48...57).contains(c[$0]) } && letter(9)
    }

    /// A GSTIN whose shape is right and whose 15th character is the check character the GST
    /// network computes (mod-36 over the first 14, weights alternating 1 and 2).
    public static func isValidGSTIN(_ s: String) -> Bool {
        guard GSTIN.isWellFormed(s) else { return false }
        return s.last == gstinCheckCharacter(String(s.prefix(14)))
    }

    static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")

    /// The check character of a GSTIN's first 14 characters.
    public static func gstinCheckCharacter(_ first14: String) -> Character? {
        var sum = 0
        for (i, ch) in first14.enumerated() {
            guard let v = alphabet.firstIndex(of: ch) else { return nil }
            let product = v * (i % 2 == 0 ? 1 : 2)
            sum += product / 36 + product % 36
        }
        return alphabet[(36 - sum % 36) % 36]
    }

    /// IFSC: four letters (the bank), a zero, six letters or digits (the branch).
    public static func isIFSC(_ s: String) -> Bool {
        let c = Array(s.utf8)
        guard c.count == 11 else { return false }
        return (0...3).allSatisfy { (65...90).contains(c[$0]) } && c[4] == 48
            && (5...10).allSatisfy { (65...90).contains(c[$0]) || (48...57).contains(c[$0]) }
    }

    /// A UPI id: handle@provider (what the 0006 CHECK accepts).
    public static func isUPI(_ s: String) -> Bool {
        let parts = s.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, (2...255).contains(parts[0].count), (2...64).contains(parts[1].count) else { return false }
        return parts[0].allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "_" || $0 == "-") }
            && parts[1].allSatisfy { $0.isASCII && $0.isLetter }
    }

    /// A bank account number: 9 to 18 digits.
    public static func isAccountNumber(_ s: String) -> Bool {
        (9...18).contains(s.count) && s.allSatisfy { $0.isASCII && $0.isNumber }
    }
}

/// A vendor as the team describes them, checked: what the directory stores.
public struct VendorProfile: Sendable, Equatable {
    public var name: String
    public var category: VendorCategory
    public var contactPerson: String?
    public var city: String?
    /// E.164.
    public var phone: String?
    /// E.164, when it differs from the phone.
    public var whatsApp: String?
    public var email: String?
    public var gstin: String?
    public var pan: String?
    public var notes: String?
    /// Payout details: only owner and accounts see or change them (`StaffAction.vendorBankDetails`).
    public var payout: VendorPayout?

    public init(name: String, category: VendorCategory, contactPerson: String? = nil, city: String? = nil, phone: String? = nil,
                whatsApp: String? = nil, email: String? = nil, gstin: String? = nil, pan: String? = nil, notes: String? = nil,
                payout: VendorPayout? = nil) {
        self.name = name
        self.category = category
        self.contactPerson = contactPerson
        self.city = city
        self.phone = phone
        self.whatsApp = whatsApp
        self.email = email
        self.gstin = gstin
        self.pan = pan
        self.notes = notes
        self.payout = payout
    }
}

/// Where Roch sends a vendor's money.
public struct VendorPayout: Sendable, Equatable {
    public var method: VendorPayoutMethod?
    public var upi: String?
    public var accountName: String?
    public var accountNumber: String?
    public var ifsc: String?

    public init(method: VendorPayoutMethod? = nil, upi: String? = nil, accountName: String? = nil, accountNumber: String? = nil, ifsc: String? = nil) {
        self.method = method
        self.upi = upi
        self.accountName = accountName
        self.accountNumber = accountNumber
        self.ifsc = ifsc
    }
}

/// The add/edit vendor form: reads the fields, and either a `VendorProfile` or every field's problem.
public enum VendorProfileForm {
    /// Field names of the form (the HTML `name`s), in the order errors are listed.
    public static let fields = ["name", "category", "contact_person", "city", "phone", "whatsapp", "email", "gstin", "pan", "notes",
                                "payout_method", "payout_upi", "payout_account_name", "payout_account_number", "payout_ifsc"]

    /// `includePayout` false: the payout fields are not read at all (the person may not set them).
    public static func validate(_ value: (String) -> String?, includePayout: Bool) -> Result<VendorProfile, FieldErrors> {
        var errors = FieldErrors()
        func text(_ name: String, max: Int) -> String? {
            let t = (value(name) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            if t.count > max { errors.add(name, "Keep this under \(max) characters."); return nil }
            return t.isEmpty ? nil : t
        }
        let name = text("name", max: 120)
        if name == nil && !errors.has("name") { errors.add("name", "Enter the vendor's name.") }
        var category: VendorCategory?
        if let c = text("category", max: 40) {
            category = VendorCategory(rawValue: c)
            if category == nil { errors.add("category", "Choose one of the listed categories.") }
        } else { errors.add("category", "Choose a category.") }
        func phone(_ field: String) -> String? {
            guard let t = text(field, max: 30) else { return nil }
            do { return try PhoneNumber.parse(t).e164 } catch { errors.add(field, "Enter a phone number like 98765 43210 or +91 98765 43210."); return nil }
        }
        let phoneNumber = phone("phone"), whatsApp = phone("whatsapp")
        var email: String?
        if let e = text("email", max: 254) {
            email = EnquiryForm.normaliseEmail(e)
            if email == nil { errors.add("email", "Enter a valid email address, e.g. name@example.com") }
        }
        let gstin = text("gstin", max: 15 + 5)?.uppercased().replacingOccurrences(of: " ", with: "")
        if let g = gstin, !IndianTaxID.isValidGSTIN(g) {
            errors.add("gstin", GSTIN.isWellFormed(g)
                ? "This GSTIN's last character does not match (a typing mistake?). Check it against the vendor's certificate."
                : "A GSTIN has 15 characters: state code, PAN, entity number, Z and a check character, e.g. 27AAPFU0939F1ZV.")
        }
        let pan = text("pan", max: 10 + 5)?.uppercased().replacingOccurrences(of: " ", with: "")
        if let p = pan {
            if !IndianTaxID.isPAN(p) { errors.add("pan", "A PAN is five letters, four digits and a letter, e.g. AAPFU0939F.") }
            else if let g = gstin, IndianTaxID.isValidGSTIN(g), String(Array(g)[2..<12]) != p {
                errors.add("pan", "This PAN differs from the one inside the GSTIN (\(String(Array(g)[2..<12]))).")
            }
        }
        var payout: VendorPayout?
        if includePayout {
            var p = VendorPayout()
            if let m = text("payout_method", max: 20) {
                p.method = VendorPayoutMethod(rawValue: m)
                if p.method == nil { errors.add("payout_method", "Choose how the vendor is paid from the list.") }
            }
            if let u = text("payout_upi", max: 330) {
                if IndianTaxID.isUPI(u) { p.upi = u } else { errors.add("payout_upi", "A UPI id looks like name@bank.") }
            }
            p.accountName = text("payout_account_name", max: 120)
            if let n = text("payout_account_number", max: 30)?.replacingOccurrences(of: " ", with: "") {
                if IndianTaxID.isAccountNumber(n) { p.accountNumber = n } else { errors.add("payout_account_number", "An account number is 9 to 18 digits.") }
            }
            if let i = text("payout_ifsc", max: 20)?.uppercased() {
                if IndianTaxID.isIFSC(i) { p.ifsc = i } else { errors.add("payout_ifsc", "An IFSC is 11 characters: four letters, 0, then six letters or digits (e.g. HDFC0001234).") }
            }
            if p.method == .upi && p.upi == nil && !errors.has("payout_upi") { errors.add("payout_upi", "Enter the UPI id to pay by UPI.") }
            if p.method == .bankTransfer && (p.accountNumber == nil || p.ifsc == nil) && !errors.has("payout_account_number") && !errors.has("payout_ifsc") {
                errors.add(p.accountNumber == nil ? "payout_account_number" : "payout_ifsc", "Enter the account number and IFSC to pay by bank transfer.")
            }
            payout = p
        }
        let contact = text("contact_person", max: 120), city = text("city", max: 80), notes = text("notes", max: 2000)
        guard errors.isEmpty, let name, let category else { return .failure(errors) }
        return .success(VendorProfile(name: name, category: category, contactPerson: contact, city: city, phone: phoneNumber,
                                      whatsApp: whatsApp, email: email, gstin: gstin, pan: pan, notes: notes, payout: payout))
    }
}

/// Problems of a form, by field name, in the order found; each field keeps its first problem.
public struct FieldErrors: Error, Sendable, Equatable {
    public private(set) var messages: [(field: String, message: String)] = []

    public init() {}

    public mutating func add(_ field: String, _ message: String) {
        if !has(field) { messages.append((field, message)) }
    }

    public func has(_ field: String) -> Bool { messages.contains { $0.field == field } }
    public subscript(field: String) -> String? { messages.first { $0.field == field }?.message }
    public var isEmpty: Bool { messages.isEmpty }

    public static func == (a: FieldErrors, b: FieldErrors) -> Bool {
        a.messages.map(\.field) == b.messages.map(\.field) && a.messages.map(\.message) == b.messages.map(\.message)
    }
}

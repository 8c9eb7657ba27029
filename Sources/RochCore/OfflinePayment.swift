/// How money reached the business outside Razorpay, as the team records it on the payments desk.
public enum OfflinePaymentMethod: String, Sendable, CaseIterable, Codable {
    case bankTransfer = "bank_transfer"
    /// UPI straight to the business account (not through a Payment Link).
    case upi
    case cash
    case cheque

    public var label: String {
        switch self {
        case .bankTransfer: "Bank transfer (NEFT, RTGS, IMPS)"
        case .upi: "UPI to the business account"
        case .cash: "Cash"
        case .cheque: "Cheque"
        }
    }

    /// What the reference is for this method (cash has none to quote, so it is optional).
    public var referenceLabel: String {
        switch self {
        case .bankTransfer: "the bank's UTR number"
        case .upi: "the UPI transaction id"
        case .cash: "a note (optional)"
        case .cheque: "the cheque number and bank"
        }
    }

    public var needsReference: Bool { self != .cash }
}

/// An offline payment the team recorded, validated.
public struct OfflinePayment: Sendable, Equatable {
    public var method: OfflinePaymentMethod
    public var amount: Money
    public var reference: String?
    public var receivedOn: CalendarDay

    public init(method: OfflinePaymentMethod, amount: Money, reference: String?, receivedOn: CalendarDay) {
        self.method = method
        self.amount = amount
        self.reference = reference
        self.receivedOn = receivedOn
    }
}

/// The "record an offline payment" form: every rule, checked before anything is written.
public enum OfflinePaymentForm {
    /// Field names of the form (its HTML and its error messages use the same names).
    public enum Field: String, Sendable, CaseIterable {
        case method, amount, reference, receivedOn = "received_on"
    }

    public static let maximumReferenceLength = 100

    /// `outstanding` is what the milestone still expects: an offline payment may not exceed it
    /// (money beyond the plan is a conversation, not a form). `today` is the day in India: money
    /// cannot arrive in the future, and a date more than a year back is almost surely a typo.
    public static func validate(method: String?, amount: String?, reference: String?, receivedOn: String?,
                                outstanding: Money, today: CalendarDay) -> Result<OfflinePayment, ValidationErrors> {
        var errors: [String: String] = [:]
        func fail(_ field: Field, _ message: String) { errors[field.rawValue] = message }

        let chosen = OfflinePaymentMethod(rawValue: method ?? "")
        if chosen == nil { fail(.method, "Choose how the money came: bank transfer, UPI, cash or cheque.") }

        var money: Money?
        do {
            let parsed = try Money.parseRupees(amount ?? "")
            if parsed.paise <= 0 {
                fail(.amount, "The amount must be more than ₹0.")
            } else if outstanding.paise <= 0 {
                fail(.amount, "Nothing is outstanding on this milestone.")
            } else if parsed > outstanding {
                fail(.amount, "At most \(outstanding.inr) is outstanding on this milestone; \(parsed.inr) is more than that.")
            } else {
                money = parsed
            }
        } catch let error as MoneyParseError {
            fail(.amount, error.message)
        } catch {
            fail(.amount, "Enter an amount in rupees, e.g. 1,25,000")
        }

        let text = (reference ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if text.count > maximumReferenceLength {
            fail(.reference, "Keep the reference under \(maximumReferenceLength) characters.")
        } else if text.contains(where: { $0.isNewline || $0.asciiValue.map { $0 < 32 } == true }) {
            fail(.reference, "The reference must be on one line.")
        } else if let chosen, chosen.needsReference, text.isEmpty {
            fail(.reference, "Enter \(chosen.referenceLabel), so accounts can match it to the statement.")
        }

        var day: CalendarDay?
        let dayText = (receivedOn ?? "").trimmingCharacters(in: .whitespaces)
        if dayText.isEmpty {
            fail(.receivedOn, "Enter the date the money was received.")
        } else if let d = CalendarDay(dayText) {
            if d > today {
                fail(.receivedOn, "The date cannot be in the future (today is \(today)).")
            } else if d < today.adding(days: -366) {
                fail(.receivedOn, "That is more than a year ago: check the date.")
            } else {
                day = d
            }
        } else {
            fail(.receivedOn, "Enter a date like \(today).")
        }

        guard errors.isEmpty, let chosen, let money, let day else { return .failure(ValidationErrors(fields: errors)) }
        return .success(OfflinePayment(method: chosen, amount: money, reference: text.isEmpty ? nil : text, receivedOn: day))
    }
}

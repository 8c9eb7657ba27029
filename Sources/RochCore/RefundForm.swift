import Foundation

/// A refund the team asked for, validated: how much and why (the reason stays with the team).
public struct RefundRequestEntry: Sendable, Equatable {
    public var amount: Money
    public var reason: String
    /// The whole of what remains: Razorpay is asked without an amount.
    public var isFull: Bool

    public init(amount: Money, reason: String, isFull: Bool) {
        self.amount = amount
        self.reason = reason
        self.isFull = isFull
    }
}

/// The "refund through Razorpay" form on the payments desk.
public enum RefundForm {
    public static let maximumReasonLength = 500

    /// `refundable` is the payment less every refund not failed (pending ones included).
    public static func validate(amount: String?, reason: String?, refundable: Money) -> Result<RefundRequestEntry, ValidationErrors> {
        var errors: [String: String] = [:]
        var money: Money?
        if refundable.paise <= 0 {
            errors["amount"] = "Nothing is left to refund on this payment."
        } else {
            do {
                let parsed = try Money.parseRupees(amount ?? "")
                if parsed.paise < 100 {
                    errors["amount"] = "Razorpay refunds at least ₹1."
                } else if parsed > refundable {
                    errors["amount"] = "At most \(refundable.inrWithPaise) can be refunded on this payment."
                } else {
                    money = parsed
                }
            } catch let error as MoneyParseError {
                errors["amount"] = error.message
            } catch {
                errors["amount"] = MoneyParseError.empty.message
            }
        }
        let why = (reason ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if why.isEmpty {
            errors["reason"] = "Say why, for the audit trail (e.g. cancelled 40 days before the event: 50 % back)."
        } else if why.count > maximumReasonLength {
            errors["reason"] = "Keep the reason under \(maximumReasonLength) characters."
        }
        guard errors.isEmpty, let money else { return .failure(ValidationErrors(fields: errors)) }
        return .success(RefundRequestEntry(amount: money, reason: why, isFull: money == refundable))
    }
}

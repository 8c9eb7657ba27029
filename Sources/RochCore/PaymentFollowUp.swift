import Foundation

/// What to do for the client after one of their payment attempts failed (`payment.failed`):
/// give them a fresh way to pay, unless there is nothing left to pay on this booking.
public enum FailedPaymentFollowUp: Sendable, Equatable {
    /// The milestone's current link still takes money: send it again with `payment_failed`.
    case offerCurrentLink
    /// The link can no longer be paid (expired, cancelled, never confirmed): issue a new one and
    /// send that with `payment_failed`.
    case reissueLink
    /// Nothing to send, and why (for the webhook delivery's outcome).
    case nothing(reason: String)

    /// How long `payment_failed` waits before it is sent: Razorpay documents a `payment.failed`
    /// followed by `payment.captured` for the same attempt as normal, and a capture within this
    /// time withdraws the message.
    public static let grace: TimeInterval = 15 * 60

    /// - bookingClosed: the booking is cancelled or completed (no new ways to pay).
    /// - paymentStatus: the attempt's status as stored after this event (`captured` is sticky).
    public static func decide(bookingClosed: Bool, milestone: PaymentMilestoneStatus, currentLink: PaymentLinkStatus?,
                              paymentStatus: String) -> FailedPaymentFollowUp {
        if bookingClosed { return .nothing(reason: "the booking is closed") }
        if paymentStatus == "captured" || paymentStatus == "refunded" { return .nothing(reason: "the same attempt was captured") }
        switch milestone {
        case .paid, .refunded: return .nothing(reason: "the milestone is \(milestone.rawValue)")
        case .pending, .linkIssued, .partiallyPaid, .expired, .cancelled: break
        }
        switch currentLink {
        case .created?, .partiallyPaid?: return .offerCurrentLink
        case .paid?: return .nothing(reason: "the link is paid")
        case nil, .creating?, .expired?, .cancelled?: return .reissueLink
        }
    }

    /// The reason shown to the client: Razorpay's error description, else a plain default.
    public static func reason(errorDescription: String?) -> String {
        let text = (errorDescription ?? "").split(whereSeparator: \.isWhitespace).joined(separator: " ")
        guard !text.isEmpty else { return "the bank or payment app declined it" }
        return text.hasSuffix(".") ? String(text.dropLast()) : text
    }
}

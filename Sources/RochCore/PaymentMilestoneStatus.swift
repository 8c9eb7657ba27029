/// Where a payment milestone stands, as the client and the team see it.
public enum PaymentMilestoneStatus: String, Sendable, Codable, CaseIterable {
    case pending
    case linkIssued = "link_issued"
    case partiallyPaid = "partially_paid"
    case paid
    case expired
    case cancelled
    case refunded

    /// Words for the portal and the dashboard.
    public var label: String {
        switch self {
        case .pending: return "Not yet due"
        case .linkIssued: return "Awaiting payment"
        case .partiallyPaid: return "Partly paid"
        case .paid: return "Paid"
        case .expired: return "Link expired"
        case .cancelled: return "Cancelled"
        case .refunded: return "Refunded"
        }
    }

    /// The status that follows from what is known. Webhooks arrive in any order and more than
    /// once, so the status is never "moved" by an event: it is derived again from facts that only
    /// grow (money counted, money refunded, the current link's furthest status).
    ///
    /// - Paid in full (counted >= amount) is `paid`, whatever any link says; a paid milestone
    ///   never goes back to expired.
    /// - Refunded in full is `refunded`.
    /// - Otherwise the current link decides: expired/cancelled links show as such (the team
    ///   re-issues), a live link shows `partially_paid` once money came in, else `link_issued`.
    public static func derive(amount: Money, paid: Money, refunded: Money, currentLink: PaymentLinkStatus?) -> PaymentMilestoneStatus {
        if paid.paise > 0 && refunded >= paid { return .refunded }
        if paid >= amount { return .paid }
        switch currentLink {
        case nil, .creating?: return paid.paise > 0 ? .partiallyPaid : .pending
        case .created?: return paid.paise > 0 ? .partiallyPaid : .linkIssued
        // A link Razorpay calls paid while we counted less is flagged elsewhere; it is not paid.
        case .partiallyPaid?, .paid?: return paid.paise > 0 ? .partiallyPaid : .linkIssued
        case .expired?: return .expired
        case .cancelled?: return .cancelled
        }
    }
}

/// A Razorpay Payment Link's status as we track it; it only ever moves forward.
public enum PaymentLinkStatus: String, Sendable, Codable, CaseIterable {
    /// Reserved by us, not yet confirmed by Razorpay.
    case creating
    case created
    case partiallyPaid = "partially_paid"
    case expired
    case cancelled
    case paid

    var rank: Int {
        switch self {
        case .creating: return 0
        case .created: return 1
        case .partiallyPaid: return 2
        case .expired, .cancelled: return 3
        case .paid: return 4
        }
    }

    /// The status after learning `reported`, whatever order the news arrives in: a link never
    /// moves back (a late `partially_paid` does not revive an expired link) and `paid` wins.
    public func advanced(to reported: PaymentLinkStatus) -> PaymentLinkStatus {
        reported.rank > rank ? reported : self
    }
}

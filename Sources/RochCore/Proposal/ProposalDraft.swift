/// One line of a proposal as the team writes it: a service, how many, the price of one, a
/// discount on the line and its GST rate.
public struct ProposalLine: Sendable, Hashable, Codable {
    /// The service the line belongs to (an `EventService` raw value, or free text such as "other").
    public var service: String
    public var description: String
    /// Whole units (days, plates, hours), at least 1.
    public var quantity: Int64
    /// Price of one unit before GST.
    public var unitPrice: Money
    /// Taken off quantity × unit price before GST (a discount shown on the line lowers the taxable value).
    public var discount: Money
    /// GST rate in basis points (1800 = 18%).
    public var rateBasisPoints: Int64

    public init(service: String, description: String, quantity: Int64 = 1, unitPrice: Money, discount: Money = .zero,
                rateBasisPoints: Int64 = GST.standardRateBasisPoints) {
        self.service = service
        self.description = description
        self.quantity = quantity
        self.unitPrice = unitPrice
        self.discount = discount
        self.rateBasisPoints = rateBasisPoints
    }

    /// Quantity × unit price, before the discount.
    public var gross: Money { unitPrice * quantity }
    /// What GST is charged on: gross − discount.
    public var taxableValue: Money { gross - discount }
    /// The line's GST, rounded on this line alone (see `ProposalTotals`).
    public var tax: GSTBreakdown { GST.add(net: taxableValue, rateBasisPoints: rateBasisPoints) }
    /// What the client pays for the line: taxable value + its GST.
    public var total: Money { tax.gross }
}

/// The figures of a proposal. The rules, so anyone can check a total by hand:
/// - each line's taxable value is quantity × unit price − the line's discount, exact in paise;
/// - each line's GST is round(taxable value × rate) to the nearest paisa, halves away from zero,
///   computed per line (never on the sum), the same rule as `TaxComputation` uses on invoices;
/// - every total is the plain sum of the lines' figures, with no round-off line, so
///   taxable + GST == total always.
public struct ProposalTotals: Sendable, Hashable, Codable {
    public let gross: Money
    public let discount: Money
    public let taxableValue: Money
    public let gst: Money
    public let total: Money

    public init(lines: [ProposalLine]) {
        gross = lines.reduce(.zero) { $0 + $1.gross }
        discount = lines.reduce(.zero) { $0 + $1.discount }
        taxableValue = lines.reduce(.zero) { $0 + $1.taxableValue }
        gst = lines.reduce(.zero) { $0 + $1.tax.tax }
        total = lines.reduce(.zero) { $0 + $1.total }
    }
}

/// One milestone of a proposal's payment plan, with a definite amount and due day.
public struct ProposalMilestone: Sendable, Hashable, Codable {
    public var label: String
    public var amount: Money
    public var dueOn: CalendarDay
    /// Already paid (or part paid) on an earlier version: a revision must keep it exactly as it is.
    public var isLocked: Bool

    public init(label: String, amount: Money, dueOn: CalendarDay, isLocked: Bool = false) {
        self.label = label
        self.amount = amount
        self.dueOn = dueOn
        self.isLocked = isLocked
    }
}

/// A proposal being written: its lines and its payment plan, checked before anything is stored.
public struct ProposalDraft: Sendable, Hashable, Codable {
    public var summary: String
    public var lines: [ProposalLine]
    public var milestones: [ProposalMilestone]

    public init(summary: String = "", lines: [ProposalLine], milestones: [ProposalMilestone]) {
        self.summary = summary
        self.lines = lines
        self.milestones = milestones
    }

    public var totals: ProposalTotals { ProposalTotals(lines: lines) }

    /// The default plan for `total` (PaymentPlan.standard: 30 % on acceptance, the balance 7 days
    /// before the event, moved to `today` when that is already past).
    public static func defaultMilestones(total: Money, today: CalendarDay, eventDate: CalendarDay) -> [ProposalMilestone]? {
        guard let scheduled = try? PaymentPlan.standard.schedule(total: total, acceptedOn: today, eventDate: eventDate) else { return nil }
        return scheduled.map { ProposalMilestone(label: $0.label, amount: $0.amount, dueOn: $0.dueOn) }
    }

    /// `count` milestones sharing `total` as evenly as the paise allow (earlier ones take the
    /// odd paise), so the amounts always sum exactly to the total.
    public static func evenMilestones(total: Money, count: Int, dueOn days: [CalendarDay]) -> [ProposalMilestone] {
        precondition(days.count == count, "one due day per milestone")
        return zip(total.split(into: count), days).enumerated().map { i, pair in
            ProposalMilestone(label: count == 1 ? "Full payment" : "Instalment \(i + 1)", amount: pair.0, dueOn: pair.1)
        }
    }

    /// Every problem at once, keyed by form field (`line.N.quantity`, `milestone.N.amount`, `plan`,
    /// with N from 1), so the editor can put each message on its field. `previous` is the plan
    /// of the proposal this one revises: its locked (paid) milestones must come back unchanged.
    public func problems(eventDate: CalendarDay, previous: [ProposalMilestone] = []) -> [String: String] {
        var p: [String: String] = [:]
        if summary.count > 2_000 { p["summary"] = "Keep the summary under 2,000 characters." }
        if lines.isEmpty { p["lines"] = "Add at least one line: a service and its price." }
        if lines.count > ProposalDraft.maximumLines { p["lines"] = "A proposal has at most \(ProposalDraft.maximumLines) lines." }
        for (i, line) in lines.enumerated() {
            let key = "line.\(i + 1)."
            if line.service.trimmingCharacters(in: .whitespaces).isEmpty { p[key + "service"] = "Pick the service this line is for." }
            let description = line.description.trimmingCharacters(in: .whitespaces)
            if description.isEmpty { p[key + "description"] = "Describe what the client gets." }
            else if description.count > 500 { p[key + "description"] = "Keep the description under 500 characters." }
            if line.quantity < 1 || line.quantity > 100_000 { p[key + "quantity"] = "The quantity must be a whole number from 1 to 1,00,000." }
            if line.unitPrice.paise <= 0 { p[key + "unit_price"] = "The unit price must be more than ₹0." }
            else if line.unitPrice > ProposalDraft.maximumUnitPrice { p[key + "unit_price"] = "The unit price must be at most \(ProposalDraft.maximumUnitPrice.inr)." }
            if !ProposalDraft.gstRates.contains(line.rateBasisPoints) {
                p[key + "gst_rate"] = "Pick a GST rate: " + ProposalDraft.gstRates.map { PaymentPlan.percentText($0) }.joined(separator: ", ") + "."
            }
            if line.discount.isNegative { p[key + "discount"] = "A discount cannot be negative." }
            else if p[key + "quantity"] == nil, p[key + "unit_price"] == nil, line.discount >= line.gross {
                p[key + "discount"] = "The discount must be less than the line's \(line.gross.inr)."
            }
        }
        let lineProblems = p.keys.contains { $0.hasPrefix("line") }
        let total = lineProblems ? nil : totals.total
        if milestones.isEmpty { p["plan"] = "Add at least one payment milestone." }
        if milestones.count > ProposalDraft.maximumMilestones { p["plan"] = "A plan has at most \(ProposalDraft.maximumMilestones) milestones." }
        for (i, m) in milestones.enumerated() {
            let key = "milestone.\(i + 1)."
            let label = m.label.trimmingCharacters(in: .whitespaces)
            if label.isEmpty { p[key + "label"] = "Name the milestone, e.g. Deposit." }
            else if label.count > 100 { p[key + "label"] = "Keep the name under 100 characters." }
            if m.amount.paise <= 0 { p[key + "amount"] = "The amount must be more than ₹0." }
            if m.dueOn > eventDate { p[key + "due_on"] = "Due dates cannot be after the event on \(eventDate)." }
        }
        let sum = milestones.reduce(Money.zero) { $0 + $1.amount }
        if let total, !milestones.isEmpty, p["plan"] == nil, sum != total {
            let gap = total - sum
            p["plan"] = "The milestones add up to \(sum.inr) but the total is \(total.inr): "
                + (gap.isNegative ? "take \((-gap).inr) off." : "add \(gap.inr).")
        }
        for locked in previous where locked.isLocked {
            if !milestones.contains(where: { $0.label == locked.label && $0.amount == locked.amount && $0.dueOn == locked.dueOn }) {
                p["plan"] = "'\(locked.label)' (\(locked.amount.inr)) has been paid and cannot be changed or removed."
            }
        }
        return p
    }

    /// How a stored milestone's due day is described (payment_milestones.due_rule): the first
    /// due today is paid on acceptance (its link is issued when the proposal is sent); a day exactly
    /// 7 days before the event follows the event when it moves; any other is a fixed date.
    public static func dueRule(_ m: ProposalMilestone, index: Int, today: CalendarDay, eventDate: CalendarDay) -> String {
        if index == 0 && m.dueOn <= today { return "on_acceptance" }
        if m.dueOn == eventDate.adding(days: -7) { return "days_before_event:7" }
        return "on:\(m.dueOn)"
    }

    /// GST rates a line may carry (services in India: 0 %, 5 %, 12 %, 18 %, 28 %).
    public static let gstRates: [Int64] = [0, 500, 1_200, 1_800, 2_800]
    public static let maximumLines = 50
    public static let maximumMilestones = 12
    public static let maximumUnitPrice = Money(rupees: 10_00_00_000)
}

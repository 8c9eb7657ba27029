import Foundation

/// How a proposal's total is paid: ordered milestones, each a share of the total and a due rule.
public struct PaymentPlan: Sendable, Equatable, Codable {
    public var milestones: [PlannedMilestone]

    public init(milestones: [PlannedMilestone]) { self.milestones = milestones }

    /// The default plan: 30% "Deposit" on acceptance, "Balance" (the rest) 7 days before the event.
    public static let standard = PaymentPlan(milestones: [
        PlannedMilestone(label: "Deposit", share: .percent(basisPoints: 3_000), due: .onAcceptance),
        PlannedMilestone(label: "Balance", share: .remainder, due: .daysBeforeEvent(7)),
    ])

    /// Turns the plan into amounts and due dates for one booking.
    ///
    /// - Amounts: a `.percent` share is `total.percent(basisPoints:)` (nearest paisa, halves up);
    ///   an `.amount` is taken as is; the single `.remainder` milestone gets whatever is left, so
    ///   the amounts always sum exactly to `total`. A plan without a remainder must be all
    ///   percentages summing to exactly 100% (the rounding difference then goes to the last
    ///   milestone) or must add up to the total exactly.
    /// - Due dates: a date that would fall before `acceptedOn` is moved to `acceptedOn`; this is
    ///   how a booking accepted less than 7 days before the event has its balance due at once.
    ///   Nothing may fall due after the event day.
    /// - Errors are collected and thrown together as `PaymentPlanError`.
    public func schedule(total: Money, acceptedOn: CalendarDay, eventDate: CalendarDay) throws -> [ScheduledMilestone] {
        var problems: [String] = []
        if milestones.isEmpty { throw PaymentPlanError(problems: ["The payment plan has no milestones; add at least one."]) }
        if total.paise <= 0 { problems.append("The total must be more than ₹0 (it is \(total.inr)).") }
        if acceptedOn > eventDate {
            problems.append("The proposal was accepted on \(acceptedOn), after the event on \(eventDate).")
        }
        let remainderCount = milestones.filter { $0.share == .remainder }.count
        if remainderCount > 1 { problems.append("Only one milestone can take the remainder (\(remainderCount) do).") }

        var amounts: [Money?] = []
        var percentTotal: Int64 = 0
        for milestone in milestones {
            let name = milestone.label.isEmpty ? "A milestone" : "'\(milestone.label)'"
            if milestone.label.trimmingCharacters(in: .whitespaces).isEmpty { problems.append("Every milestone needs a label.") }
            switch milestone.share {
            case .percent(let bp):
                if bp <= 0 || bp > 10_000 { problems.append("\(name) must be between 0.01% and 100% (it is \(Self.percentText(bp))).") }
                percentTotal += max(0, min(bp, 10_001))
                amounts.append(total.percent(basisPoints: bp))
            case .amount(let money):
                if money.paise <= 0 { problems.append("\(name) must be more than ₹0 (it is \(money.inr)).") }
                amounts.append(money)
            case .remainder:
                amounts.append(nil)
            }
            switch milestone.due {
            case .daysAfterAcceptance(let n) where n < 0, .daysBeforeEvent(let n) where n < 0:
                problems.append("\(name) has a negative number of days (\(n)).")
            default: break
            }
        }
        if percentTotal > 10_000 { problems.append("The percentages add up to \(Self.percentText(percentTotal)), more than 100%.") }

        let fixedSum = amounts.compactMap { $0 }.reduce(Money.zero, +)
        if problems.isEmpty {
            if remainderCount == 1 {
                if fixedSum >= total {
                    problems.append("The other milestones already add up to \(fixedSum.inr) of the \(total.inr) total, leaving nothing for the remainder.")
                }
            } else if milestones.allSatisfy({ if case .percent = $0.share { return true } else { return false } }) {
                if percentTotal != 10_000 {
                    problems.append("The percentages add up to \(Self.percentText(percentTotal)); make them 100% or make one milestone the remainder.")
                }
            } else if fixedSum != total {
                problems.append("The milestones add up to \(fixedSum.inr) but the total is \(total.inr); make one milestone the remainder.")
            }
        }

        var scheduled: [ScheduledMilestone] = []
        for (index, milestone) in milestones.enumerated() {
            var due: CalendarDay
            switch milestone.due {
            case .onAcceptance: due = acceptedOn
            case .daysAfterAcceptance(let n): due = acceptedOn.adding(days: n)
            case .daysBeforeEvent(let n): due = eventDate.adding(days: -n)
            case .on(let day): due = day
            }
            if due < acceptedOn { due = acceptedOn }
            if due > eventDate {
                problems.append("'\(milestone.label)' would be due on \(due), after the event on \(eventDate).")
            }
            scheduled.append(ScheduledMilestone(sequence: index + 1, label: milestone.label,
                                                amount: amounts[index] ?? .zero, dueOn: due))
        }
        guard problems.isEmpty else { throw PaymentPlanError(problems: problems) }

        let adjustIndex = milestones.firstIndex { $0.share == .remainder } ?? (scheduled.count - 1)
        let others = scheduled.enumerated().filter { $0.offset != adjustIndex }.map(\.element.amount).reduce(Money.zero, +)
        scheduled[adjustIndex].amount = total - others
        let empty = scheduled.filter { $0.amount.paise <= 0 }.map { "'\($0.label)' comes to \($0.amount.inr) on a total of \(total.inr)." }
        guard empty.isEmpty else { throw PaymentPlanError(problems: empty) }
        return scheduled
    }

    /// "30%", "2.50%": a rate or share in basis points, in words.
    public static func percentText(_ bp: Int64) -> String {
        let whole = bp / 100, fraction = abs(bp % 100)
        return fraction == 0 ? "\(whole)%" : "\(whole).\(fraction < 10 ? "0" : "")\(fraction)%"
    }
}

/// One milestone of a plan, before it is applied to a booking.
public struct PlannedMilestone: Sendable, Equatable, Codable {
    public var label: String
    public var share: MilestoneShare
    public var due: MilestoneDue

    public init(label: String, share: MilestoneShare, due: MilestoneDue) {
        self.label = label
        self.share = share
        self.due = due
    }
}

/// How much of the total a milestone asks for.
public enum MilestoneShare: Sendable, Equatable, Codable {
    /// basisPoints/10,000 of the total (3000 = 30%).
    case percent(basisPoints: Int64)
    /// A fixed amount.
    case amount(Money)
    /// Whatever the other milestones leave (takes the rounding).
    case remainder
}

/// When a milestone falls due.
public enum MilestoneDue: Sendable, Equatable, Codable {
    case onAcceptance
    case daysAfterAcceptance(Int)
    case daysBeforeEvent(Int)
    case on(CalendarDay)
}

/// A milestone applied to a booking: a definite amount and due day.
public struct ScheduledMilestone: Sendable, Equatable, Codable {
    /// 1-based position in the plan.
    public var sequence: Int
    public var label: String
    public var amount: Money
    public var dueOn: CalendarDay

    public init(sequence: Int, label: String, amount: Money, dueOn: CalendarDay) {
        self.sequence = sequence
        self.label = label
        self.amount = amount
        self.dueOn = dueOn
    }
}

/// Every reason a plan cannot be applied, in words for the person editing the proposal.
public struct PaymentPlanError: Error, Sendable, Equatable, CustomStringConvertible {
    public let problems: [String]
    public var description: String { problems.joined(separator: " ") }
}

import Foundation

/// Revising a proposal the client was already sent: the revision supersedes it (the old one is
/// kept, marked superseded), milestones with money received are carried over unchanged, and the
/// revision's other milestones replace every unpaid one of the old plan (their links cancelled).
public enum ProposalRevision {
    /// A milestone of the plan being revised, as stored.
    public struct Previous: Sendable, Equatable {
        public var id: Int64
        public var sequence: Int
        public var milestone: ProposalMilestone
        public var amountPaid: Money

        public init(id: Int64, sequence: Int, milestone: ProposalMilestone, amountPaid: Money) {
            self.id = id
            self.sequence = sequence
            self.milestone = milestone
            self.amountPaid = amountPaid
        }

        /// Money was received for it: it can never be edited or removed.
        public var isPaid: Bool { amountPaid.paise > 0 }
    }

    /// What a revision does to the plan.
    public struct Plan: Sendable, Equatable {
        /// Paid milestones carried over to the revision: (stored id, their sequence in the revised plan).
        public var kept: [Kept]
        /// New milestones (sequence in the revised plan, milestone).
        public var created: [Created]
        /// Unpaid milestones of the old plan, replaced (cancelled, with their links).
        public var replaced: [Int64]
        /// Already received on the kept milestones, and what the revision still asks for.
        public var paidSoFar: Money
        public var stillToPay: Money

        public struct Kept: Sendable, Equatable {
            public var id: Int64
            public var sequence: Int
            public init(id: Int64, sequence: Int) { self.id = id; self.sequence = sequence }
        }
        public struct Created: Sendable, Equatable {
            public var sequence: Int
            public var milestone: ProposalMilestone
            public init(sequence: Int, milestone: ProposalMilestone) { self.sequence = sequence; self.milestone = milestone }
        }
    }

    /// The states in which a sent proposal may be revised: sent and not yet final (before it is
    /// sent the editor saves drafts instead). nil when allowed, else why not.
    public static func refusal(state: BookingState) -> String? {
        switch state {
        case .proposalSent, .depositPaid, .activePreparation: return nil
        case .enquiry, .discussion: return "This proposal has not been sent yet: save the draft or send it instead."
        case .completed, .cancelled: return "This booking is \(state.label): its proposal can no longer be revised."
        }
    }

    /// Decides the revised plan, or refuses it (keyed by form field, like `ProposalDraft.problems`):
    /// every paid milestone must come back exactly as it was (label, amount, due day), and a paid
    /// deposit stays the first milestone (paying the first milestone is what confirms a booking).
    public static func plan(previous: [Previous], revised: [ProposalMilestone]) -> Result<Plan, ValidationErrors> {
        var kept: [Plan.Kept] = []
        var created: [Plan.Created] = []
        var unusedPaid = previous.filter(\.isPaid)
        for (i, m) in revised.enumerated() {
            let same = unusedPaid.firstIndex { $0.milestone.label == m.label && $0.milestone.amount == m.amount && $0.milestone.dueOn == m.dueOn }
            if let same {
                kept.append(.init(id: unusedPaid[same].id, sequence: i + 1))
                unusedPaid.remove(at: same)
            } else {
                created.append(.init(sequence: i + 1, milestone: ProposalMilestone(label: m.label, amount: m.amount, dueOn: m.dueOn)))
            }
        }
        if let missing = unusedPaid.first {
            return .failure(ValidationErrors(fields: ["plan": "'\(missing.milestone.label)' (\(missing.milestone.amount.inr)) has been paid and cannot be changed or removed."]))
        }
        if let deposit = previous.first(where: { $0.sequence == 1 && $0.isPaid }), kept.first(where: { $0.id == deposit.id })?.sequence != 1 {
            return .failure(ValidationErrors(fields: ["plan": "The paid '\(deposit.milestone.label)' must stay the first milestone."]))
        }
        let keptIDs = Set(kept.map(\.id))
        let paid = previous.filter { keptIDs.contains($0.id) }.reduce(Money.zero) { $0 + $1.amountPaid }
        let total = revised.reduce(Money.zero) { $0 + $1.amount }
        return .success(Plan(kept: kept, created: created, replaced: previous.filter { !$0.isPaid }.map(\.id),
                             paidSoFar: paid, stillToPay: total > paid ? total - paid : .zero))
    }

    /// Which of the revision's links are issued at once (`create_payment_link`'s `milestones`): before
    /// the deposit is paid only the one due on acceptance; after it, every unpaid milestone, as when
    /// the deposit arrives.
    public static func linksToIssue(state: BookingState) -> String {
        state == .proposalSent ? "on_acceptance" : "remaining"
    }
}

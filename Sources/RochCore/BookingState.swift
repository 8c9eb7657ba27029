/// Where a booking stands in its life, from first enquiry to completion or cancellation.
public enum BookingState: String, Sendable, Codable, CaseIterable, Hashable {
    case enquiry
    case discussion
    case proposalSent = "proposal_sent"
    case depositPaid = "deposit_paid"
    case activePreparation = "active_preparation"
    case completed
    case cancelled

    /// Completed and cancelled bookings accept no further events.
    public var isFinal: Bool { self == .completed || self == .cancelled }

    /// What the team and the client read, e.g. "Proposal Sent".
    public var label: String {
        switch self {
        case .enquiry: return "Enquiry"
        case .discussion: return "Discussion"
        case .proposalSent: return "Proposal Sent"
        case .depositPaid: return "Deposit Paid"
        case .activePreparation: return "Active Preparation"
        case .completed: return "Completed"
        case .cancelled: return "Cancelled"
        }
    }

    /// Position on the happy path for a progress bar: 0 (enquiry) ... 5 (completed).
    /// Cancelled has no place on the path and returns nil; show the state it was cancelled from.
    public var ordinal: Int? {
        switch self {
        case .enquiry: return 0
        case .discussion: return 1
        case .proposalSent: return 2
        case .depositPaid: return 3
        case .activePreparation: return 4
        case .completed: return 5
        case .cancelled: return nil
        }
    }

    /// Number of steps on the happy path (for "step 3 of 6").
    public static let pathLength = 6
}

/// Something that happens to a booking and may move it to another state.
public enum BookingEvent: String, Sendable, Codable, CaseIterable, Hashable {
    case discuss
    case sendProposal = "send_proposal"
    case depositPaid = "deposit_paid"
    case startPreparation = "start_preparation"
    case complete
    case cancel

    /// Button-style wording for the admin, e.g. "Send proposal".
    public var label: String {
        switch self {
        case .discuss: return "Schedule discussion"
        case .sendProposal: return "Send proposal"
        case .depositPaid: return "Record deposit"
        case .startPreparation: return "Start preparation"
        case .complete: return "Mark completed"
        case .cancel: return "Cancel booking"
        }
    }
}

/// Who fires an event: a person on the team, Razorpay's signed webhook, or a scheduled job.
public enum ActorKind: String, Sendable, Codable, CaseIterable, Hashable {
    case teamMember = "team_member"
    case paymentWebhook = "payment_webhook"
    case system

    public var label: String {
        switch self {
        case .teamMember: return "a team member"
        case .paymentWebhook: return "the payment webhook"
        case .system: return "the system"
        }
    }
}

/// Which kind of team member a task is for.
public enum TeamRole: String, Sendable, Codable, CaseIterable, Hashable {
    /// The booking's coordinator (or, before one is assigned, whoever picks the lead up).
    case coordinator
    case sales
    case accounts
    case operations
}

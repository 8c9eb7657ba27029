/// What the client is told when a vendor's milestone changes: the pure rule behind the
/// `vendor` portal event and the `vendor_milestone_updated` moment.
public struct VendorMilestoneAnnouncement: Sendable, Equatable {
    /// The timeline title and the message's `milestone_text`, e.g. "Your floral arrangements have been confirmed".
    public let title: String
    /// e.g. "Florist · Confirmed · due on Sat, 12 Dec 2026".
    public let body: String

    public init(title: String, body: String) {
        self.title = title
        self.body = body
    }
}

public enum VendorMilestoneRules {
    /// The announcement for a change from `old` to `new`, or nil when the client should not hear
    /// of it: back-office assignments (`clientVisible` false), nothing changed, a pending
    /// assignment (nothing promised yet) or a cancellation (the coordinator talks to the client).
    /// The title is the vendor's milestone text when there is one, else a sentence from the status.
    public static func announcement(old: VendorAssignment, new: VendorAssignment, clientVisible: Bool) -> VendorMilestoneAnnouncement? {
        guard clientVisible, new.status != .pending, new.status != .cancelled else { return nil }
        guard old.status != new.status || old.milestoneText != new.milestoneText || old.milestoneDate != new.milestoneDate else { return nil }
        let text = new.milestoneText?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        let title = text.isEmpty ? sentence(role: new.role, status: new.status) : text
        var body = "\(new.role) · \(new.status.label)"
        if let date = new.milestoneDate { body += " · due on \(NotificationFormat.date(date))" }
        return VendorMilestoneAnnouncement(title: title, body: body)
    }

    /// "Your caterer is confirmed", "Your photographer has started", "Your decorator has delivered".
    public static func sentence(role: String, status: VendorAssignmentStatus) -> String {
        let who = "Your \(role.lowercased())"
        switch status {
        case .pending: return "\(who) is being booked"
        case .confirmed: return "\(who) is confirmed"
        case .inProgress: return "\(who) has started"
        case .delivered: return "\(who) has delivered"
        case .cancelled: return "\(who) has been cancelled"
        }
    }
}

extension VendorGraph {
    /// Who became blocked and who stopped being blocked between two versions of the same booking's
    /// graph. `newlyBlocked` are blocked in `after` but not in `before`; `unblocked` were blocked in
    /// `before` and are unfinished and not blocked in `after` (finishing or cancelling an
    /// assignment is not "unblocking" it). Both by id.
    public static func blockingChanges(from before: VendorGraph, to after: VendorGraph)
        -> (newlyBlocked: [BlockedAssignment], unblocked: [Int64]) {
        let wasBlocked = Set(before.blocked().map(\.id))
        let nowBlocked = after.blocked()
        let nowBlockedIDs = Set(nowBlocked.map(\.id))
        let newly = nowBlocked.filter { !wasBlocked.contains($0.id) }
        let unblocked = wasBlocked.filter { id in
            !nowBlockedIDs.contains(id) && (after.assignments[id]?.status.isUnfinished ?? false)
        }.sorted()
        return (newly, unblocked)
    }
}

import Foundation
import RochCore
import RochStore

/// A change to one assignment's status and/or milestone (from the dashboard or the vendor's link).
public struct VendorMilestoneChange: Sendable {
    public var assignmentID: Int64
    /// nil keeps the status.
    public var status: VendorAssignmentStatus?
    /// nil keeps the date unless `clearMilestoneDate`.
    public var milestoneDate: CalendarDay?
    public var clearMilestoneDate: Bool
    /// nil keeps the text when the status stays, and clears it when the status moves; "" clears it.
    public var milestoneText: String?
    /// The status the person saw; a different current status means their view is stale (409).
    public var expectedStatus: VendorAssignmentStatus?
    /// Who, for the audit trail: "staff:12", "vendor:34".
    public var actorLabel: String

    public init(assignmentID: Int64, status: VendorAssignmentStatus? = nil, milestoneDate: CalendarDay? = nil,
                clearMilestoneDate: Bool = false, milestoneText: String? = nil, expectedStatus: VendorAssignmentStatus? = nil,
                actorLabel: String) {
        self.assignmentID = assignmentID
        self.status = status
        self.milestoneDate = milestoneDate
        self.clearMilestoneDate = clearMilestoneDate
        self.milestoneText = milestoneText
        self.expectedStatus = expectedStatus
        self.actorLabel = actorLabel
    }
}

/// A status move the rules refuse; answered with 409 and the current status.
public struct VendorStatusConflict: Error, Sendable, Equatable, CustomStringConvertible {
    public var currentStatus: VendorAssignmentStatus
    public var message: String
    public var description: String { message }

    public init(currentStatus: VendorAssignmentStatus, message: String) {
        self.currentStatus = currentStatus
        self.message = message
    }
}

public struct VendorAssignmentNotFound: Error, Sendable, Equatable {
    public var id: Int64
}

/// What one change caused.
public struct VendorMilestoneOutcome: Sendable {
    public var assignment: VendorAssignmentRecord
    /// False when the change asked for what was already there (nothing was written).
    public var changed: Bool
    public var portalEventID: Int64?
    public var newlyBlocked: [BlockedAssignment]
    public var unblocked: [Int64]
}

/// The one way vendor work moves: status and milestone changes and new dependencies, each with its
/// portal event, notifications and coordinator tasks written in the caller's transaction.
public struct VendorMilestoneService: Sendable {
    let configuration: Configuration
    let notifier: BookingNotifier
    /// How long a link sent in a vendor_blocked message stays valid.
    public static let linkLifetime: TimeInterval = 14 * 24 * 3600

    public init(configuration: Configuration) {
        self.configuration = configuration
        notifier = BookingNotifier(configuration: configuration)
    }

    /// Applies `change` inside the caller's transaction. Throws `VendorStatusConflict` for a move the
    /// rules refuse (or a stale view), `VendorAssignmentNotFound` for an unknown id.
    @discardableResult
    public func update(_ change: VendorMilestoneChange, on c: Connection, now: Date = Date()) throws -> VendorMilestoneOutcome {
        guard let seen = try VendorRepository.assignment(c, id: change.assignmentID) else {
            throw VendorAssignmentNotFound(id: change.assignmentID)
        }
        // The graph lock first (as addDependency takes it), so before/after see one consistent graph.
        try VendorRepository.lockGraph(c, bookingID: seen.bookingID)
        let current = try VendorRepository.lockAssignment(c, id: change.assignmentID)!
        if let expected = change.expectedStatus, expected != current.status {
            throw VendorStatusConflict(currentStatus: current.status,
                                       message: "\(current.role) is now \(current.status.label) (you saw \(expected.label)). Reload to see the latest.")
        }
        let status = change.status ?? current.status
        if status != current.status && !current.status.canMove(to: status) {
            throw VendorStatusConflict(currentStatus: current.status,
                                       message: "\(current.role) is \(current.status.label); it cannot move to \(status.label).")
        }
        let date = change.clearMilestoneDate ? nil : (change.milestoneDate ?? current.milestoneDate)
        // A new status without new words clears the old words: "menu not confirmed" is stale once confirmed.
        let text = change.milestoneText.map(VendorRepository.normalized)
            ?? (status != current.status ? nil : current.milestoneText)
        guard status != current.status || date != current.milestoneDate || text != current.milestoneText else {
            return VendorMilestoneOutcome(assignment: current, changed: false, portalEventID: nil, newlyBlocked: [], unblocked: [])
        }

        let before = try VendorRepository.graph(c, bookingID: current.bookingID)
        try VendorRepository.setMilestone(c, id: current.id, status: status, date: date, text: text)
        let updated = try VendorRepository.assignment(c, id: current.id)!
        let after = try VendorRepository.graph(c, bookingID: current.bookingID)
        try TeamRepository.audit(c, actor: change.actorLabel, action: "vendor.milestone", entity: "vendor_assignment",
                                 entityID: String(current.id),
                                 details: ["from": current.status.rawValue, "to": status.rawValue,
                                           "milestone_date": date?.description ?? "", "milestone_text": text ?? ""])
        guard let booking = try BookingRepository.find(c, id: current.bookingID) else { throw BookingNotFound() }

        var portalEventID: Int64?
        if let news = VendorMilestoneRules.announcement(old: current.node, new: updated.node, clientVisible: updated.clientVisible) {
            portalEventID = try TimelineRepository.append(
                c, bookingID: booking.id, kind: "vendor", title: news.title, body: news.body,
                data: try JSONB(encoding: ["assignment_id": String(updated.id), "role": updated.role, "status": status.rawValue,
                                           "milestone_date": date?.description ?? ""]))
            // One message per assignment and status: editing the text again does not message twice.
            try notifier.notify(c, moment: .vendorMilestoneUpdated, booking: booking, occurrence: "\(updated.id):\(status.rawValue)",
                                extra: ["vendor_role": updated.role, "milestone_text": news.title])
        }
        if status == .cancelled && current.status != .cancelled {
            try TeamRepository.createTask(c, bookingID: booking.id,
                                          title: "\(updated.role) (\(updated.vendorName)) cancelled: find a replacement or tell the client",
                                          assigneeRole: "coordinator", assigneeID: booking.coordinatorID, dueInHours: 24)
        }
        let changes = VendorGraph.blockingChanges(from: before, to: after)
        try announce(changes, booking: booking, cause: "a\(updated.id):\(status.rawValue)", on: c, now: now)
        return VendorMilestoneOutcome(assignment: updated, changed: true, portalEventID: portalEventID,
                                      newlyBlocked: changes.newlyBlocked, unblocked: changes.unblocked)
    }

    /// Adds "`dependent` waits on `required`" (refusing loops, naming them) and tells the coordinator
    /// and the vendor waited on when that blocks the dependent. In the caller's transaction.
    @discardableResult
    public func addDependency(dependent: Int64, required: Int64, actorLabel: String, on c: Connection,
                              now: Date = Date()) throws -> [BlockedAssignment] {
        guard let record = try VendorRepository.assignment(c, id: dependent) else { throw VendorAssignmentNotFound(id: dependent) }
        try VendorRepository.lockGraph(c, bookingID: record.bookingID)
        let before = try VendorRepository.graph(c, bookingID: record.bookingID)
        guard try VendorRepository.addDependency(c, dependent: dependent, required: required) else { return [] }
        let after = try VendorRepository.graph(c, bookingID: record.bookingID)
        try TeamRepository.audit(c, actor: actorLabel, action: "vendor.dependency", entity: "vendor_assignment",
                                 entityID: String(dependent), details: ["requires": String(required)])
        guard let booking = try BookingRepository.find(c, id: record.bookingID) else { throw BookingNotFound() }
        let changes = VendorGraph.blockingChanges(from: before, to: after)
        try announce(changes, booking: booking, cause: "d\(dependent)-\(required)", on: c, now: now)
        return changes.newlyBlocked
    }

    /// vendor_blocked for each newly blocked assignment (to the coordinator, and to each vendor it
    /// waits on with their self-service link); for each unblocked one, a coordinator task and vendor_unblocked.
    func announce(_ changes: (newlyBlocked: [BlockedAssignment], unblocked: [Int64]), booking: BookingRecord, cause: String, on c: Connection, now: Date) throws {
        guard !changes.newlyBlocked.isEmpty || !changes.unblocked.isEmpty else { return }
        let records = Dictionary(uniqueKeysWithValues: try VendorRepository.assignments(c, bookingID: booking.id).map { ($0.id, $0) })
        for blocked in changes.newlyBlocked {
            for waitID in blocked.waitsOn {
                guard let waited = records[waitID] else { continue }
                let vendor = try VendorRepository.findVendor(c, id: waited.vendorID)
                var contact: NotificationPlanner.Contact?
                var link = "\(configuration.siteURL)/admin/bookings/\(booking.publicID)"
                if let secret = configuration.vendorLinkSecret, let vendor, waited.linkRevokedAt == nil {
                    link = VendorLinks(secret: secret).url(siteURL: configuration.siteURL, assignmentID: waited.id,
                                                           version: waited.linkVersion, expiresAt: now.addingTimeInterval(Self.linkLifetime))
                    contact = .init(name: vendor.name, phone: vendor.whatsAppNumber, email: vendor.email)
                }
                // The coordinator's rows share one key across the waits: queued once per blocked assignment.
                try notifier.notify(c, moment: .vendorBlocked, booking: booking, occurrence: "\(blocked.id):blocked:\(cause)",
                                    extra: ["vendor_name": vendor?.name ?? waited.role, "blocked_reason": blocked.reason,
                                            "update_link": link],
                                    vendor: contact)
            }
        }
        for id in changes.unblocked {
            guard let record = records[id] else { continue }
            try TeamRepository.createTask(c, bookingID: booking.id,
                                          title: "\(record.role) (\(record.vendorName)) is no longer waiting on anyone: tell them to go ahead",
                                          assigneeRole: "coordinator", assigneeID: booking.coordinatorID, dueInHours: 24)
            // ...and told at once, on WhatsApp/email (issue 17), once per assignment and cause.
            try notifier.notify(c, moment: .vendorUnblocked, booking: booking, occurrence: "\(id):unblocked:\(cause)",
                                extra: ["vendor_role": record.role, "vendor_name": record.vendorName])
        }
    }
}

import Foundation
import RochCore

/// One line of the dashboard's vendor table: the assignment and what holds it up.
public struct VendorBoardRow: Sendable, Equatable {
    public var assignment: VendorAssignmentRecord
    /// Set when the assignment waits on unfinished work ("Decorator waits on Caterer: menu not confirmed").
    public var blocked: BlockedVendorAssignment?
    /// Requirements due after this assignment's own milestone.
    public var conflicts: [VendorScheduleConflict]
    public var onCriticalPath: Bool
}

/// Every vendor of one event with blocked reasons, schedule conflicts and the critical path:
/// what the admin dashboard renders per booking.
public struct VendorBoard: Sendable, Equatable {
    public var bookingID: Int64
    /// By assignment id.
    public var rows: [VendorBoardRow]
    /// Assignment ids in work order (each waits on the one before).
    public var criticalPath: [Int64]

    /// The board of one booking (four queries, one of them the recursive blocked CTE).
    public static func load(_ c: Connection, bookingID: Int64) throws -> VendorBoard {
        let assignments = try VendorRepository.assignments(c, bookingID: bookingID)
        let scope = VendorGraphScope.booking(bookingID)
        return assemble(bookingID: bookingID, assignments: assignments,
                        blocked: try VendorGraphQueries.blocked(c, scope),
                        conflicts: try VendorGraphQueries.scheduleConflicts(c, scope),
                        criticalPath: try VendorGraphQueries.criticalPaths(c, scope)[bookingID] ?? [])
    }

    /// The blocked assignments of every active event, by booking (for the dashboard's overview).
    public static func blockedByEvent(_ c: Connection) throws -> [Int64: [BlockedVendorAssignment]] {
        Dictionary(grouping: try VendorGraphQueries.blocked(c, .activeEvents), by: \.bookingID)
    }

    /// The same, read in `shards` parts at once on the database's pooled connections (a persistent
    /// responder's dashboard; see `VendorGraphQueries.blocked(_:shards:)`).
    public static func blockedByEvent(_ database: Database, shards: Int = 2) async throws -> [Int64: [BlockedVendorAssignment]] {
        Dictionary(grouping: try await VendorGraphQueries.blocked(database, shards: shards), by: \.bookingID)
    }

    static func assemble(bookingID: Int64, assignments: [VendorAssignmentRecord], blocked: [BlockedVendorAssignment],
                         conflicts: [VendorScheduleConflict], criticalPath: [Int64]) -> VendorBoard {
        let blockedByID = Dictionary(uniqueKeysWithValues: blocked.map { ($0.id, $0) })
        let conflictsByID = Dictionary(grouping: conflicts, by: \.dependent)
        let onPath = Set(criticalPath)
        return VendorBoard(bookingID: bookingID, rows: assignments.map {
            VendorBoardRow(assignment: $0, blocked: blockedByID[$0.id], conflicts: conflictsByID[$0.id] ?? [],
                           onCriticalPath: onPath.contains($0.id))
        }, criticalPath: criticalPath)
    }
}

/// A vendor milestone as the client's portal shows it.
public struct ClientVendorMilestone: Sendable, Equatable, Codable {
    public var role: String
    /// "Confirmed", "In progress", ...
    public var status: String
    public var milestoneText: String?
    public var milestoneDate: CalendarDay?
}

extension VendorBoard {
    /// What the client sees of their vendors: client-visible, not cancelled, by id. No vendor
    /// names, contacts or money.
    public static func clientMilestones(_ c: Connection, bookingID: Int64) throws -> [ClientVendorMilestone] {
        try VendorRepository.assignments(c, bookingID: bookingID)
            .filter { $0.clientVisible && $0.status != .cancelled }
            .map { ClientVendorMilestone(role: $0.role, status: $0.status.label, milestoneText: $0.milestoneText,
                                         milestoneDate: $0.milestoneDate) }
    }
}

/// Where a vendor's work for a booking stands.
public enum VendorAssignmentStatus: String, Sendable, Codable, CaseIterable, Hashable {
    case pending
    case confirmed
    case inProgress = "in_progress"
    case delivered
    case cancelled

    /// Allowed moves: forward along pending → confirmed → in_progress → delivered (a step may be
    /// skipped, e.g. confirmed → delivered), and any state except delivered → cancelled.
    /// Delivered and cancelled are final.
    public static let allowedTransitions: [VendorAssignmentStatus: Set<VendorAssignmentStatus>] = [
        .pending: [.confirmed, .inProgress, .delivered, .cancelled],
        .confirmed: [.inProgress, .delivered, .cancelled],
        .inProgress: [.delivered, .cancelled],
        .delivered: [],
        .cancelled: [],
    ]

    public func canMove(to next: VendorAssignmentStatus) -> Bool {
        VendorAssignmentStatus.allowedTransitions[self]!.contains(next)
    }

    /// Still to be done: neither delivered nor cancelled.
    public var isUnfinished: Bool { self != .delivered && self != .cancelled }

    /// How the status reads in a reason when the vendor gave no milestone text.
    public var phrase: String {
        switch self {
        case .pending: return "not confirmed yet"
        case .confirmed: return "confirmed, not started"
        case .inProgress: return "in progress"
        case .delivered: return "delivered"
        case .cancelled: return "cancelled"
        }
    }

    public var label: String {
        switch self {
        case .pending: return "Pending"
        case .confirmed: return "Confirmed"
        case .inProgress: return "In progress"
        case .delivered: return "Delivered"
        case .cancelled: return "Cancelled"
        }
    }
}

/// A vendor's job for one booking (a node of the vendor graph).
public struct VendorAssignment: Sendable, Equatable, Codable, Identifiable {
    public var id: Int64
    /// What the vendor does here, e.g. "Decorator", "Caterer".
    public var role: String
    public var status: VendorAssignmentStatus
    /// The day the current milestone is due, if any.
    public var milestoneDate: CalendarDay?
    /// The current milestone in words, e.g. "menu not confirmed".
    public var milestoneText: String?

    public init(id: Int64, role: String, status: VendorAssignmentStatus = .pending,
                milestoneDate: CalendarDay? = nil, milestoneText: String? = nil) {
        self.id = id
        self.role = role
        self.status = status
        self.milestoneDate = milestoneDate
        self.milestoneText = milestoneText
    }
}

/// An edge of the vendor graph: `dependent` cannot finish before `required` (table
/// vendor_dependencies: dependent_assignment_id, required_assignment_id).
public struct VendorDependency: Sendable, Hashable, Codable {
    public var dependent: Int64
    public var required: Int64

    public init(dependent: Int64, required: Int64) {
        self.dependent = dependent
        self.required = required
    }
}

/// Why a vendor graph or a new dependency is refused.
public enum VendorGraphError: Error, Sendable, Equatable, CustomStringConvertible {
    case duplicateAssignment(Int64)
    case unknownAssignment(Int64)
    case selfDependency(Int64)
    /// The dependencies would form a cycle; the path starts and ends at the same assignment.
    case cycle([Int64])

    public var description: String {
        switch self {
        case .duplicateAssignment(let id): return "Assignment \(id) appears twice."
        case .unknownAssignment(let id): return "Assignment \(id) does not exist in this booking."
        case .selfDependency(let id): return "Assignment \(id) cannot depend on itself."
        case .cycle(let path):
            return "That dependency would make a loop: \(path.map(String.init).joined(separator: " → "))."
        }
    }
}

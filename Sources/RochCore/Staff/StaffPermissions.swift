/// A member of the Roch team's role: what they may do is in `StaffPermissions.table`.
public enum StaffRole: String, Sendable, CaseIterable, Codable {
    /// Runs the business: everything, including the team's accounts and the audit trail.
    case owner
    /// Looks after clients: sees every booking, acts on the ones they coordinate, works with vendors.
    case coordinator
    /// Handles money: payments, refunds, invoices and exports.
    case accounts

    public var label: String {
        switch self {
        case .owner: "Owner"
        case .coordinator: "Coordinator"
        case .accounts: "Accounts"
        }
    }
}

/// Something a staff member asks to do. Every admin route names one before its handler runs.
public enum StaffAction: String, Sendable, CaseIterable {
    /// See the bookings list and any booking's detail.
    case viewBookings
    /// Change a booking: move it through the lifecycle, edit notes, tasks, proposals.
    case actOnBooking
    /// Record payments, issue refunds and invoices.
    case moneyActions
    /// Assign vendors, set their milestones and dependencies.
    case vendorActions
    /// See and change where vendors are paid (UPI, bank account).
    case vendorBankDetails
    /// Add, disable and reset the team's accounts.
    case staffAdmin
    /// Download data (bookings, payments) as files.
    case exports
    /// Read the audit trail of every staff action.
    case viewAudit
    /// Change a client's name, phone, email, WhatsApp consent and GSTIN, or adopt what an enquiry typed.
    case editClient
    /// Enter a booking by hand (a phone call, WhatsApp, a walk-in, a referral).
    case enterBooking

    /// Said on the 403 page: what was refused, in the team's words.
    public var summary: String {
        switch self {
        case .viewBookings: "view bookings"
        case .actOnBooking: "change this booking"
        case .moneyActions: "record payments, refunds or invoices"
        case .vendorActions: "change vendor assignments"
        case .vendorBankDetails: "see or change vendors' bank and UPI details"
        case .staffAdmin: "manage the team's accounts"
        case .exports: "download exports"
        case .viewAudit: "read the audit log"
        case .editClient: "change this client's details"
        case .enterBooking: "enter bookings by hand"
        }
    }
}

/// How far a permission reaches.
public enum PermissionScope: Sendable, Equatable {
    /// Not allowed.
    case none
    /// Only on bookings the staff member coordinates.
    case coordinatedBookings
    /// Everywhere.
    case all
}

/// The answer to "may this person do this?": allowed, or refused with a reason a person can read.
public enum PermissionDecision: Sendable, Equatable {
    case allowed
    case denied(String)

    public var isAllowed: Bool { self == .allowed }
}

/// Who may do what, as one declarative table (DESIGN.md section 10). `decide` is the only code
/// that answers; the admin function asks it once per request, before any handler acts.
public enum StaffPermissions {
    public static let table: [StaffRole: [StaffAction: PermissionScope]] = [
        .owner: [
            .viewBookings: .all, .actOnBooking: .all, .moneyActions: .all, .vendorActions: .all, .vendorBankDetails: .all,
            .staffAdmin: .all, .exports: .all, .viewAudit: .all,
            .editClient: .all, .enterBooking: .all,
        ],
        .coordinator: [
            .viewBookings: .all, .actOnBooking: .coordinatedBookings, .moneyActions: .none, .vendorActions: .coordinatedBookings, .vendorBankDetails: .none,
            .staffAdmin: .none, .exports: .none, .viewAudit: .none,
            .editClient: .coordinatedBookings, .enterBooking: .all,
        ],
        .accounts: [
            .viewBookings: .all, .actOnBooking: .none, .moneyActions: .all, .vendorActions: .none, .vendorBankDetails: .all,
            .staffAdmin: .none, .exports: .all, .viewAudit: .none,
            .editClient: .none, .enterBooking: .none,
        ],
    ]

    public static func scope(_ role: StaffRole, _ action: StaffAction) -> PermissionScope {
        table[role]?[action] ?? .none
    }

    /// May staff member `staffID` with `role` do `action` on `target`?
    public static func decide(role: StaffRole, staffID: Int64, action: StaffAction,
                              on target: PermissionTarget = .general) -> PermissionDecision {
        switch (scope(role, action), target) {
        case (.all, _):
            return .allowed
        case (.none, _):
            return .denied("A \(role.label.lowercased()) may not \(action.summary). Ask the owner if you need to.")
        case (.coordinatedBookings, .general):
            // Not about one booking (a page of lists): allowed here, each booking is checked on its own.
            return .allowed
        case (.coordinatedBookings, .booking(let coordinatorID)) where coordinatorID == staffID:
            return .allowed
        case (.coordinatedBookings, .booking):
            return .denied("You may \(action.summary) only on bookings you coordinate. Ask this booking's coordinator or the owner.")
        }
    }
}

/// What an action is about: nothing in particular, or one booking (and who coordinates it).
public enum PermissionTarget: Sendable, Equatable {
    case general
    case booking(coordinatorID: Int64?)
}

import Foundation
import RochCore

/// A vendor Roch works with.
public struct VendorRecord: Sendable, Equatable {
    public var id: Int64
    public var name: String
    public var category: String
    public var phone: String?
    public var whatsApp: String?
    public var email: String?
    public var gstin: String?
    public var payoutMethod: String?
    public var payoutUPI: String?
    public var payoutAccountName: String?
    public var payoutAccountNumber: String?
    public var payoutIFSC: String?
    public var active: Bool

    /// The number to message on WhatsApp: the WhatsApp number when given, else the phone.
    public var whatsAppNumber: String? { whatsApp ?? phone }
}

/// What the team enters to add a vendor.
public struct NewVendor: Sendable {
    public var name: String
    public var category: String
    public var phone: String?
    public var whatsApp: String?
    public var email: String?
    public var gstin: String?
    public var payoutMethod: String?
    public var payoutUPI: String?
    public var payoutAccountName: String?
    public var payoutAccountNumber: String?
    public var payoutIFSC: String?

    public init(name: String, category: String, phone: String? = nil, whatsApp: String? = nil, email: String? = nil,
                gstin: String? = nil, payoutMethod: String? = nil, payoutUPI: String? = nil, payoutAccountName: String? = nil,
                payoutAccountNumber: String? = nil, payoutIFSC: String? = nil) {
        self.name = name
        self.category = category
        self.phone = phone
        self.whatsApp = whatsApp
        self.email = email
        self.gstin = gstin
        self.payoutMethod = payoutMethod
        self.payoutUPI = payoutUPI
        self.payoutAccountName = payoutAccountName
        self.payoutAccountNumber = payoutAccountNumber
        self.payoutIFSC = payoutIFSC
    }
}

/// A vendor's job for one booking, as stored (a node of the booking's vendor graph).
public struct VendorAssignmentRecord: Sendable, Equatable {
    public var id: Int64
    public var bookingID: Int64
    public var vendorID: Int64
    public var vendorName: String
    public var role: String
    public var status: VendorAssignmentStatus
    public var milestoneDate: CalendarDay?
    /// Client-facing words for the current milestone, trimmed; nil when none.
    public var milestoneText: String?
    public var clientVisible: Bool
    public var amountAgreed: Money
    public var amountPaid: Money
    public var paymentDueOn: CalendarDay?
    public var linkVersion: Int
    public var linkRevokedAt: Date?

    /// The node RochCore's graph rules work on.
    public var node: VendorAssignment {
        VendorAssignment(id: id, role: role, status: status, milestoneDate: milestoneDate, milestoneText: milestoneText)
    }
}

/// What the team enters to put a vendor on a booking.
public struct NewVendorAssignment: Sendable {
    public var bookingID: Int64
    public var vendorID: Int64
    public var role: String
    public var status: VendorAssignmentStatus
    public var milestoneDate: CalendarDay?
    public var milestoneText: String?
    public var clientVisible: Bool
    public var amountAgreed: Money
    public var paymentDueOn: CalendarDay?

    public init(bookingID: Int64, vendorID: Int64, role: String, status: VendorAssignmentStatus = .pending,
                milestoneDate: CalendarDay? = nil, milestoneText: String? = nil, clientVisible: Bool = true,
                amountAgreed: Money = .zero, paymentDueOn: CalendarDay? = nil) {
        self.bookingID = bookingID
        self.vendorID = vendorID
        self.role = role
        self.status = status
        self.milestoneDate = milestoneDate
        self.milestoneText = milestoneText
        self.clientVisible = clientVisible
        self.amountAgreed = amountAgreed
        self.paymentDueOn = paymentDueOn
    }
}

/// A note left on an assignment by the vendor ("vendor") or the team ("staff:12").
public struct VendorNote: Sendable, Equatable {
    public var author: String
    public var body: String
    public var at: Date
}

/// Why a dependency was not added; `message` names the vendors ("Decorator → Caterer → Decorator").
public struct VendorDependencyRefused: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable { case unknownAssignment, differentBookings, selfDependency, cycle }
    public var kind: Kind
    /// For `.cycle`: the loop as assignment ids, first and last the same.
    public var cycle: [Int64]
    public var message: String
    public var description: String { message }
}

public enum VendorRepository {
    // MARK: vendors

    static let vendorColumns = """
        id, name, category, phone, whatsapp, email, gstin, payout_method, payout_upi, payout_account_name,
        payout_account_number, payout_ifsc, active
        """

    public static func insertVendor(_ c: Connection, _ v: NewVendor) throws -> VendorRecord {
        try vendor(c.query("""
            INSERT INTO vendors (name, category, phone, whatsapp, email, gstin, payout_method, payout_upi, payout_account_name,
                                 payout_account_number, payout_ifsc)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING \(vendorColumns)
            """, v.name.trimmingCharacters(in: .whitespacesAndNewlines), v.category, v.phone, v.whatsApp, v.email, v.gstin,
            v.payoutMethod, v.payoutUPI, v.payoutAccountName, v.payoutAccountNumber, v.payoutIFSC).first!)
    }

    public static func findVendor(_ c: Connection, id: Int64) throws -> VendorRecord? {
        try c.query("SELECT \(vendorColumns) FROM vendors WHERE id = $1", id).first.map(vendor)
    }

    static func vendor(_ row: Row) throws -> VendorRecord {
        VendorRecord(id: try row.decode("id"), name: try row.decode("name"), category: try row.decode("category"),
                     phone: try row.decode("phone"), whatsApp: try row.decode("whatsapp"), email: try row.decode("email"),
                     gstin: try row.decode("gstin"), payoutMethod: try row.decode("payout_method"),
                     payoutUPI: try row.decode("payout_upi"), payoutAccountName: try row.decode("payout_account_name"),
                     payoutAccountNumber: try row.decode("payout_account_number"), payoutIFSC: try row.decode("payout_ifsc"),
                     active: try row.decode("active"))
    }

    // MARK: assignments

    static let assignmentColumns = """
        a.id, a.booking_id, a.vendor_id, v.name AS vendor_name, a.role, a.status, a.milestone_date::text AS milestone_date,
        a.milestone_text, a.client_visible, a.amount_agreed, a.amount_paid, a.payment_due_on::text AS payment_due_on,
        a.link_version, a.link_revoked_at
        """

    /// Milestone text as both SQL and RochCore read it: trimmed, nil when empty.
    public static func normalized(_ text: String?) -> String? {
        guard let t = text?.trimmingCharacters(in: .whitespacesAndNewlines), !t.isEmpty else { return nil }
        return t
    }

    public static func insertAssignment(_ c: Connection, _ a: NewVendorAssignment) throws -> VendorAssignmentRecord {
        let id: Int64 = try c.query("""
            INSERT INTO vendor_assignments (booking_id, vendor_id, role, status, milestone_date, milestone_text, client_visible,
                                            amount_agreed, payment_due_on)
            VALUES ($1, $2, $3, $4, $5::date, $6, $7, $8, $9::date) RETURNING id
            """, a.bookingID, a.vendorID, a.role.trimmingCharacters(in: .whitespacesAndNewlines), a.status.rawValue,
            a.milestoneDate?.description, normalized(a.milestoneText), a.clientVisible, a.amountAgreed.paise,
            a.paymentDueOn?.description).first!.decode("id")
        return try assignment(c, id: id)!
    }

    public static func assignment(_ c: Connection, id: Int64) throws -> VendorAssignmentRecord? {
        try c.query("SELECT \(assignmentColumns) FROM vendor_assignments a JOIN vendors v ON v.id = a.vendor_id WHERE a.id = $1",
                    id).first.map(assignment)
    }

    /// Locks the assignment row for the rest of the transaction.
    public static func lockAssignment(_ c: Connection, id: Int64) throws -> VendorAssignmentRecord? {
        try c.query("""
            SELECT \(assignmentColumns) FROM vendor_assignments a JOIN vendors v ON v.id = a.vendor_id WHERE a.id = $1
            FOR UPDATE OF a
            """, id).first.map(assignment)
    }

    /// Every assignment of a booking, by id.
    public static func assignments(_ c: Connection, bookingID: Int64) throws -> [VendorAssignmentRecord] {
        try c.query("""
            SELECT \(assignmentColumns) FROM vendor_assignments a JOIN vendors v ON v.id = a.vendor_id
            WHERE a.booking_id = $1 ORDER BY a.id
            """, bookingID).map(assignment)
    }

    /// Sets status and milestone; the caller has checked the move (`VendorAssignmentStatus.canMove`).
    public static func setMilestone(_ c: Connection, id: Int64, status: VendorAssignmentStatus, date: CalendarDay?,
                                    text: String?) throws {
        try c.execute("""
            UPDATE vendor_assignments SET status = $2, milestone_date = $3::date, milestone_text = $4, updated_at = now()
            WHERE id = $1
            """, id, status.rawValue, date?.description, normalized(text))
    }

    /// Revokes every link issued so far for the assignment and returns the new link version.
    @discardableResult
    public static func bumpLinkVersion(_ c: Connection, id: Int64) throws -> Int {
        try c.query("""
            UPDATE vendor_assignments SET link_version = link_version + 1, link_revoked_at = NULL, updated_at = now()
            WHERE id = $1 RETURNING link_version
            """, id).first!.decode("link_version")
    }

    /// Turns off self-service for the assignment until `bumpLinkVersion` issues a new link.
    public static func revokeLinks(_ c: Connection, id: Int64) throws {
        try c.execute("UPDATE vendor_assignments SET link_revoked_at = now(), updated_at = now() WHERE id = $1", id)
    }

    public static func addNote(_ c: Connection, assignmentID: Int64, author: String, body: String) throws {
        try c.execute("INSERT INTO vendor_assignment_notes (assignment_id, author, body) VALUES ($1, $2, $3)",
                      assignmentID, author, body)
    }

    public static func notes(_ c: Connection, assignmentID: Int64) throws -> [VendorNote] {
        try c.query("SELECT author, body, created_at FROM vendor_assignment_notes WHERE assignment_id = $1 ORDER BY id",
                    assignmentID).map { VendorNote(author: try $0.decode("author"), body: try $0.decode("body"), at: try $0.decode("created_at")) }
    }

    static func assignment(_ row: Row) throws -> VendorAssignmentRecord {
        let statusText: String = try row.decode("status")
        guard let status = VendorAssignmentStatus(rawValue: statusText) else {
            throw PostgresError(kind: .decoding, message: "vendor assignment has status \(statusText)")
        }
        return VendorAssignmentRecord(
            id: try row.decode("id"), bookingID: try row.decode("booking_id"), vendorID: try row.decode("vendor_id"),
            vendorName: try row.decode("vendor_name"), role: try row.decode("role"), status: status,
            milestoneDate: try row.decode("milestone_date", as: String?.self).flatMap(CalendarDay.init),
            milestoneText: try row.decode("milestone_text"), clientVisible: try row.decode("client_visible"),
            amountAgreed: Money(paise: try row.decode("amount_agreed")), amountPaid: Money(paise: try row.decode("amount_paid")),
            paymentDueOn: try row.decode("payment_due_on", as: String?.self).flatMap(CalendarDay.init),
            linkVersion: try row.decode("link_version"), linkRevokedAt: try row.decode("link_revoked_at"))
    }

    // MARK: the graph

    /// Serialises every change to one booking's vendor graph until the transaction ends
    /// (the same lock the cycle trigger takes). Call inside a transaction.
    public static func lockGraph(_ c: Connection, bookingID: Int64) throws {
        try c.execute("SELECT vendor_graph_lock($1)", bookingID)
    }

    public static func dependencies(_ c: Connection, bookingID: Int64) throws -> [VendorDependency] {
        try c.query("""
            SELECT dependent_assignment_id, required_assignment_id FROM vendor_dependencies WHERE booking_id = $1
            ORDER BY dependent_assignment_id, required_assignment_id
            """, bookingID).map {
            VendorDependency(dependent: try $0.decode("dependent_assignment_id"), required: try $0.decode("required_assignment_id"))
        }
    }

    /// The booking's vendor graph for RochCore's rules.
    public static func graph(_ c: Connection, bookingID: Int64) throws -> VendorGraph {
        try VendorGraph(assignments: try assignments(c, bookingID: bookingID).map(\.node),
                        dependencies: try dependencies(c, bookingID: bookingID))
    }

    /// Records "`dependent` waits on `required`". Refuses unknown ids, different bookings, self-loops and
    /// any edge that would close a loop, naming it. Takes the booking's graph lock, so two concurrent
    /// additions that together would make a loop are serialised and the second is refused.
    /// Must run inside a READ COMMITTED (or SERIALIZABLE) transaction. Returns false when the edge existed.
    @discardableResult
    public static func addDependency(_ c: Connection, dependent: Int64, required: Int64) throws -> Bool {
        let rows = try c.query("SELECT id, booking_id, role FROM vendor_assignments WHERE id IN ($1, $2)", dependent, required)
        var booking: [Int64: Int64] = [:], role: [Int64: String] = [:]
        for row in rows {
            let id: Int64 = try row.decode("id")
            booking[id] = try row.decode("booking_id")
            role[id] = try row.decode("role")
        }
        for id in [dependent, required] where booking[id] == nil {
            throw VendorDependencyRefused(kind: .unknownAssignment, cycle: [], message: "Vendor assignment \(id) does not exist.")
        }
        if dependent == required {
            throw VendorDependencyRefused(kind: .selfDependency, cycle: [dependent, dependent],
                                          message: "\(role[dependent]!) cannot wait on itself.")
        }
        guard let bookingID = booking[dependent], bookingID == booking[required] else {
            throw VendorDependencyRefused(kind: .differentBookings, cycle: [],
                                          message: "\(role[dependent]!) and \(role[required]!) belong to different events.")
        }
        try lockGraph(c, bookingID: bookingID)
        // Read after the lock: this statement sees every edge committed by whoever held it before us.
        let graph = try Self.graph(c, bookingID: bookingID)
        if let loop = graph.cycleIfAdding(dependent: dependent, required: required) {
            let names = loop.map { graph.assignments[$0]?.role ?? String($0) }
            throw VendorDependencyRefused(kind: .cycle, cycle: loop,
                                          message: "That would make a loop: \(names.joined(separator: " → ")). Remove one of these dependencies first.")
        }
        do {
            return try c.execute("""
                INSERT INTO vendor_dependencies (dependent_assignment_id, required_assignment_id, booking_id) VALUES ($1, $2, $3)
                ON CONFLICT DO NOTHING
                """, dependent, required, bookingID) == 1
        } catch let error as PostgresError where error.constraint == "vendor_dependencies_acyclic" {
            // Only reachable if a writer bypassed the lock: the trigger is the last line of defence.
            throw VendorDependencyRefused(kind: .cycle, cycle: [dependent, required, dependent],
                                          message: "That would make a loop: \(role[dependent]!) → \(role[required]!) → … → \(role[dependent]!).")
        }
    }

    /// Removes "`dependent` waits on `required`"; returns whether it existed.
    @discardableResult
    public static func removeDependency(_ c: Connection, dependent: Int64, required: Int64) throws -> Bool {
        try c.execute("DELETE FROM vendor_dependencies WHERE dependent_assignment_id = $1 AND required_assignment_id = $2",
                      dependent, required) == 1
    }
}

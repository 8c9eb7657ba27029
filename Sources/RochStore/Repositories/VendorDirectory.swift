import Foundation
import RochCore

/// One line of the vendor directory.
public struct VendorListing: Sendable, Equatable {
    public var id: Int64
    public var name: String
    public var category: VendorCategory
    public var city: String?
    public var contactPerson: String?
    public var phone: String?
    public var active: Bool
    /// Assignments not delivered or cancelled.
    public var openAssignments: Int
    public var outstanding: Money
}

/// What the directory page asks for.
public struct VendorDirectoryFilter: Sendable, Equatable {
    public var text = ""
    public var category: VendorCategory?
    public var city: String?
    public var includeArchived = false
    public var limit = 200

    public init(text: String = "", category: VendorCategory? = nil, city: String? = nil, includeArchived: Bool = false) {
        self.text = text
        self.category = category
        self.city = city
        self.includeArchived = includeArchived
    }
}

/// A vendor with everything the desk keeps (payout details included: the page decides who sees them).
public struct VendorDetails: Sendable, Equatable {
    public var id: Int64
    public var profile: VendorProfile
    public var active: Bool
}

/// The vendor directory: search, add, edit, archive (payables and assignments are elsewhere).
public enum VendorDirectory {
    public static func search(_ c: Connection, _ f: VendorDirectoryFilter) throws -> [VendorListing] {
        let pattern = f.text.isEmpty ? nil : "%" + f.text.lowercased().replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
        return try c.query("""
            SELECT v.id, v.name, v.category, v.city, v.contact_person, v.phone, v.active,
                   count(a.id) FILTER (WHERE a.status NOT IN ('delivered', 'cancelled')) AS open_assignments,
                   COALESCE(sum(a.amount_agreed - a.amount_paid) FILTER (WHERE a.status <> 'cancelled' AND a.amount_paid < a.amount_agreed), 0) AS outstanding
            FROM vendors v LEFT JOIN vendor_assignments a ON a.vendor_id = v.id
            WHERE ($1::text IS NULL OR lower(v.name) LIKE $1 OR lower(COALESCE(v.contact_person, '')) LIKE $1
                   OR COALESCE(v.phone, '') LIKE $1 OR lower(COALESCE(v.email, '')) LIKE $1)
              AND ($2::text IS NULL OR v.category = $2)
              AND ($3::text IS NULL OR lower(v.city) = lower($3))
              AND ($4 OR v.active)
            GROUP BY v.id ORDER BY v.active DESC, lower(v.name), v.id LIMIT $5
            """, pattern, f.category?.rawValue, f.city, f.includeArchived, f.limit).map { row in
            VendorListing(id: try row.decode("id"), name: try row.decode("name"),
                          category: VendorCategory(rawValue: try row.decode("category")) ?? .other, city: try row.decode("city"),
                          contactPerson: try row.decode("contact_person"), phone: try row.decode("phone"), active: try row.decode("active"),
                          openAssignments: Int(try row.decode("open_assignments", as: Int64.self)),
                          outstanding: Money(paise: try row.decode("outstanding")))
        }
    }

    /// Cities vendors are in, for the filter.
    public static func cities(_ c: Connection) throws -> [String] {
        try c.query("SELECT DISTINCT city FROM vendors WHERE city IS NOT NULL ORDER BY city").map { try $0.decode("city") }
    }

    static let columns = """
        id, name, category, contact_person, city, phone, whatsapp, email, gstin, pan, notes, payout_method, payout_upi,
        payout_account_name, payout_account_number, payout_ifsc, active
        """

    public static func find(_ c: Connection, id: Int64) throws -> VendorDetails? {
        try c.query("SELECT \(columns) FROM vendors WHERE id = $1", id).first.map { row in
            VendorDetails(id: try row.decode("id"), profile: VendorProfile(
                name: try row.decode("name"), category: VendorCategory(rawValue: try row.decode("category")) ?? .other,
                contactPerson: try row.decode("contact_person"), city: try row.decode("city"), phone: try row.decode("phone"),
                whatsApp: try row.decode("whatsapp"), email: try row.decode("email"), gstin: try row.decode("gstin"),
                pan: try row.decode("pan"), notes: try row.decode("notes"),
                payout: VendorPayout(method: (try row.decode("payout_method", as: String?.self)).flatMap(VendorPayoutMethod.init),
                                     upi: try row.decode("payout_upi"), accountName: try row.decode("payout_account_name"),
                                     accountNumber: try row.decode("payout_account_number"), ifsc: try row.decode("payout_ifsc"))),
                          active: try row.decode("active"))
        }
    }

    /// Adds a vendor (payout details when the profile carries them); returns the id.
    public static func add(_ c: Connection, _ p: VendorProfile) throws -> Int64 {
        try c.query("""
            INSERT INTO vendors (name, category, contact_person, city, phone, whatsapp, email, gstin, pan, notes,
                                 payout_method, payout_upi, payout_account_name, payout_account_number, payout_ifsc)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id
            """, p.name, p.category.rawValue, p.contactPerson, p.city, p.phone, p.whatsApp, p.email, p.gstin, p.pan, p.notes,
            p.payout?.method?.rawValue, p.payout?.upi, p.payout?.accountName, p.payout?.accountNumber, p.payout?.ifsc)
            .first!.decode("id")
    }

    /// Replaces what the team may edit; the payout columns only when `p.payout` is set (a person
    /// who may not see bank details cannot erase them either). Returns false for an unknown id.
    @discardableResult
    public static func update(_ c: Connection, id: Int64, _ p: VendorProfile) throws -> Bool {
        let changed = try c.execute("""
            UPDATE vendors SET name = $2, category = $3, contact_person = $4, city = $5, phone = $6, whatsapp = $7, email = $8,
                   gstin = $9, pan = $10, notes = $11, updated_at = now() WHERE id = $1
            """, id, p.name, p.category.rawValue, p.contactPerson, p.city, p.phone, p.whatsApp, p.email, p.gstin, p.pan, p.notes)
        if changed == 1, let payout = p.payout {
            try c.execute("""
                UPDATE vendors SET payout_method = $2, payout_upi = $3, payout_account_name = $4, payout_account_number = $5,
                       payout_ifsc = $6 WHERE id = $1
                """, id, payout.method?.rawValue, payout.upi, payout.accountName, payout.accountNumber, payout.ifsc)
        }
        return changed == 1
    }

    @discardableResult
    public static func setActive(_ c: Connection, id: Int64, active: Bool) throws -> Bool {
        try c.execute("UPDATE vendors SET active = $2, updated_at = now() WHERE id = $1", id, active) == 1
    }

    /// Active vendors for the "assign" list, by category then name.
    public static func activeVendors(_ c: Connection) throws -> [(id: Int64, name: String, category: VendorCategory)] {
        try c.query("SELECT id, name, category FROM vendors WHERE active ORDER BY category, lower(name), id").map {
            (try $0.decode("id"), try $0.decode("name"), VendorCategory(rawValue: try $0.decode("category")) ?? .other)
        }
    }
}

import Foundation
import RochCore

/// An issued document as recorded: what it is, where its bytes are, and how to check them.
public struct DocumentRecord: Sendable, Equatable {
    public var id: Int64
    public var publicID: String
    public var kind: DocumentKind
    public var number: String
    public var financialYear: FinancialYear
    public var bookingID: Int64?
    public var clientID: Int64?
    public var vendorID: Int64?
    public var referencesID: Int64?
    public var storageKey: String
    public var sha256: String
    public var sizeBytes: Int64
    public var contentType: String
    public var total: Money
    public var issuedAt: Date
    /// What it was issued for ("payment:42:tax_invoice"), when a flow issued it.
    public var source: String?
}

/// What issuing a document records (the number comes from `nextNumber` in the same transaction).
public struct NewDocument: Sendable {
    public var publicID: String
    public var kind: DocumentKind
    public var number: String
    public var financialYear: FinancialYear
    public var bookingID: Int64?
    public var clientID: Int64?
    public var vendorID: Int64?
    public var referencesID: Int64?
    public var storageKey: String
    public var sha256: String
    public var sizeBytes: Int64
    public var contentType: String
    public var total: Money
    public var source: String?

    public init(publicID: String, kind: DocumentKind, number: String, financialYear: FinancialYear, bookingID: Int64?, clientID: Int64?,
                vendorID: Int64? = nil, referencesID: Int64? = nil, storageKey: String, sha256: String, sizeBytes: Int64,
                contentType: String = "application/pdf", total: Money, source: String? = nil) {
        self.source = source
        self.publicID = publicID; self.kind = kind; self.number = number; self.financialYear = financialYear
        self.bookingID = bookingID; self.clientID = clientID; self.vendorID = vendorID; self.referencesID = referencesID
        self.storageKey = storageKey; self.sha256 = sha256; self.sizeBytes = sizeBytes; self.contentType = contentType; self.total = total
    }
}

public enum DocumentRepository {
    static let columns = """
        id, public_id, kind, number, financial_year, booking_id, client_id, vendor_id, references_id, storage_key, sha256,
        size_bytes, content_type, total_paise, issued_at, source
        """

    /// The next gap-free number of `kind`'s series in `year` (the counter row stays locked until the
    /// transaction ends; the same counters receipts have always used, keyed by prefix).
    public static func nextNumber(_ c: Connection, kind: DocumentKind, series: DocumentSeries, year: FinancialYear) throws -> String {
        let sequence = try InvoiceRepository.nextSequence(c, prefix: series.prefix(for: kind), financialYear: year.label)
        return series.number(for: kind, year: year, sequence: sequence)
    }

    public static func insert(_ c: Connection, _ d: NewDocument) throws -> DocumentRecord {
        try record(c.query("""
            INSERT INTO documents (public_id, kind, number, financial_year, booking_id, client_id, vendor_id, references_id, storage_key,
                                   sha256, size_bytes, content_type, total_paise, source)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING \(columns)
            """, d.publicID, d.kind.rawValue, d.number, d.financialYear.label, d.bookingID, d.clientID, d.vendorID, d.referencesID,
            d.storageKey, d.sha256, d.sizeBytes, d.contentType, d.total.paise, d.source).first!)
    }

    /// The document issued for `source`, if any.
    public static func find(_ c: Connection, source: String) throws -> DocumentRecord? {
        try c.query("SELECT \(columns) FROM documents WHERE source = $1", source).first.map(record)
    }

    /// A booking's documents, oldest first (the staff booking's documents page).
    public static func forBooking(_ c: Connection, bookingID: Int64) throws -> [DocumentRecord] {
        try c.query("SELECT \(columns) FROM documents WHERE booking_id = $1 ORDER BY id", bookingID).map(record)
    }

    /// The year's documents of `kinds` with their client's name and, for a credit note, its
    /// invoice's number: the accountant's register, tax invoices first, in number order.
    public static func register(_ c: Connection, _ year: FinancialYear, kinds: [DocumentKind]) throws -> [(document: DocumentRecord, client: String?, against: String?)] {
        let qualified = columns.split(separator: ",").map { "d." + $0.trimmingCharacters(in: .whitespacesAndNewlines) }.joined(separator: ", ")
        return try c.query("""
            SELECT \(qualified), cl.name AS client_name, r.number AS against_number
            FROM documents d LEFT JOIN clients cl ON cl.id = d.client_id LEFT JOIN documents r ON r.id = d.references_id
            WHERE d.financial_year = $1 AND d.kind = ANY($2::text[]) ORDER BY d.kind DESC, d.number
            """, year.label, "{" + kinds.map(\.rawValue).joined(separator: ",") + "}").map { row in
            (try record(row), try row.decode("client_name"), try row.decode("against_number"))
        }
    }

    /// The years that have documents of `kinds`, latest first, with how many.
    public static func years(_ c: Connection, kinds: [DocumentKind]) throws -> [(year: FinancialYear, count: Int64)] {
        try c.query("""
            SELECT financial_year, count(*) AS n FROM documents WHERE kind = ANY($1::text[]) GROUP BY financial_year ORDER BY financial_year DESC
            """, "{" + kinds.map(\.rawValue).joined(separator: ",") + "}").compactMap { row in
            let label: String = try row.decode("financial_year"), count: Int64 = try row.decode("n")
            return FinancialYear(label: label).map { ($0, count) }
        }
    }

    public static func find(_ c: Connection, publicID: String) throws -> DocumentRecord? {
        try c.query("SELECT \(columns) FROM documents WHERE public_id = $1", publicID).first.map(record)
    }

    /// A client's documents, oldest first (the portal lists these and nothing else).
    public static func forClient(_ c: Connection, clientID: Int64) throws -> [DocumentRecord] {
        try c.query("SELECT \(columns) FROM documents WHERE client_id = $1 ORDER BY id", clientID).map(record)
    }

    static func record(_ row: Row) throws -> DocumentRecord {
        let kindText: String = try row.decode("kind"), yearText: String = try row.decode("financial_year")
        guard let kind = DocumentKind(rawValue: kindText), let year = FinancialYear(label: yearText) else {
            throw PostgresError(kind: .decoding, message: "documents row has kind \(kindText) / year \(yearText)")
        }
        return DocumentRecord(id: try row.decode("id"), publicID: try row.decode("public_id"), kind: kind, number: try row.decode("number"),
                              financialYear: year, bookingID: try row.decode("booking_id"), clientID: try row.decode("client_id"),
                              vendorID: try row.decode("vendor_id"), referencesID: try row.decode("references_id"),
                              storageKey: try row.decode("storage_key"), sha256: try row.decode("sha256"), sizeBytes: try row.decode("size_bytes"),
                              contentType: try row.decode("content_type"), total: Money(paise: try row.decode("total_paise")),
                              issuedAt: try row.decode("issued_at"), source: try row.decode("source"))
    }
}

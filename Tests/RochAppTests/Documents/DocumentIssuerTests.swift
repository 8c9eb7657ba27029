import Foundation
import RochApp
import RochCore
import RochDocuments
import RochIntegrations
import RochStore
import RochTestSupport
import Testing

/// Issuing against a real PostgreSQL and a local document store in a scratch directory.
@Suite struct DocumentIssuerTests {
    let database: Database
    let clientID: Int64
    let root = NSTemporaryDirectory() + "roch-issuer-\(UUID().uuidString)"
    let day = CalendarDay(year: 2026, month: 12, day: 4)!

    init() async throws {
        database = Database(url: try await TestDatabase.makeMigrated(), maxConnections: 2)
        clientID = try await database.withConnection { c in
            try c.query("INSERT INTO clients (phone, name) VALUES ('+919876500011', 'Srinivas Reddy') RETURNING id").first!.decode("id")
        }
    }

    func layout(_ number: String) -> PrintedDocument {
        let lines = [InvoiceLine(description: "Wedding planning", unitPrice: Money(rupees: 1_00_000), ratePercent: 18)]
        return .taxInvoice(TaxInvoiceDetails(number: number, issuedOn: day, letterhead: .rochEvents(gstin: "29AAPFR1234K1Z5"),
                                             client: Party(name: "శ్రీనివాస్ రెడ్డి"), placeOfSupply: GSTState(code: 29)!, lines: lines,
                                             event: "Wedding", bookingReference: "bk_1", createdAt: "2026-12-04T10:00:00+05:30"))
    }

    @Test func issuedInvoicesGetConsecutiveNumbersAndComeBackVerified() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let issuer = DocumentIssuer(database: database, store: LocalDocumentStore(root: root), series: DocumentSeries())
        let subject = DocumentIssuer.Subject(kind: .taxInvoice, clientID: clientID, total: Money(rupees: 1_18_000))
        let first = try await issuer.issue(subject, on: day, layout: layout)
        let second = try await issuer.issue(subject, on: day, layout: layout)
        #expect(first.number == "INV/2026-27/0001" && second.number == "INV/2026-27/0002")
        #expect(first.storageKey.hasPrefix("tax_invoice/2026-27/INV-2026-27-0001-"))
        let copy = root + "/copy.pdf"
        try await issuer.fetch(first, to: copy)
        #expect(try FileDigest(path: copy) == FileDigest(path: root + "/" + first.storageKey))
        #expect(try Data(contentsOf: URL(fileURLWithPath: copy)).prefix(5) == Data("%PDF-".utf8))
        let recorded = try await database.withConnection { c in try DocumentRepository.forClient(c, clientID: clientID) }
        #expect(recorded.map(\.number) == ["INV/2026-27/0001", "INV/2026-27/0002"])
    }

    @Test func anIssueTheStoreRefusesLeavesNoRecordAndNoGapInTheSeries() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let blocked = root + "/not-a-directory"
        FileManager.default.createFile(atPath: blocked, contents: Data("x".utf8))
        let subject = DocumentIssuer.Subject(kind: .taxInvoice, clientID: clientID, total: Money(rupees: 1_18_000))
        await #expect(throws: DocumentStoreError.self) {
            _ = try await DocumentIssuer(database: database, store: LocalDocumentStore(root: blocked), series: DocumentSeries()).issue(subject, on: day, layout: layout)
        }
        #expect(try await database.withConnection { c in try DocumentRepository.forClient(c, clientID: clientID) }.isEmpty)
        let issued = try await DocumentIssuer(database: database, store: LocalDocumentStore(root: root + "/store"), series: DocumentSeries())
            .issue(subject, on: day, layout: layout)
        #expect(issued.number == "INV/2026-27/0001")
    }
}

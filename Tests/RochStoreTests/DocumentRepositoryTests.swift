import Foundation
import RochCore
import RochStore
import RochTestSupport
import Testing

@Suite struct DocumentRepositoryTests {
    let connection: Connection
    let clientID: Int64
    let year = FinancialYear(startYear: 2026)

    init() async throws {
        connection = try Connection(url: try await TestDatabase.makeMigrated())
        clientID = try connection.query("INSERT INTO clients (phone, name) VALUES ('+919876500009', 'Asha Rao') RETURNING id").first!.decode("id")
    }

    func document(_ number: String, kind: DocumentKind = .taxInvoice, references: Int64? = nil) -> NewDocument {
        NewDocument(publicID: "doc_\(UUID().uuidString)", kind: kind, number: number, financialYear: year, bookingID: nil, clientID: clientID,
                    referencesID: references, storageKey: "\(kind.rawValue)/\(number.replacingOccurrences(of: "/", with: "-")).pdf",
                    sha256: String(repeating: "ab", count: 32), sizeBytes: 1234, total: Money(paise: 47_234_705))
    }

    @Test func numbersAreGapFreePerSeriesAndARolledBackIssueGivesItsNumberBack() throws {
        let series = try DocumentSeries.parse("credit_note=CRN").get()
        let first = try connection.transaction { c in try DocumentRepository.nextNumber(c, kind: .taxInvoice, series: series, year: year) }
        #expect(first == "INV/2026-27/0001")
        #expect(throws: Boom.self) {
            try connection.transaction { c in
                _ = try DocumentRepository.nextNumber(c, kind: .taxInvoice, series: series, year: year)
                throw Boom()
            }
        }
        let second = try connection.transaction { c in try DocumentRepository.nextNumber(c, kind: .taxInvoice, series: series, year: year) }
        #expect(second == "INV/2026-27/0002")
        let credit = try connection.transaction { c in try DocumentRepository.nextNumber(c, kind: .creditNote, series: series, year: year) }
        #expect(credit == "CRN/2026-27/0001")
        let nextYear = try connection.transaction { c in try DocumentRepository.nextNumber(c, kind: .taxInvoice, series: series, year: FinancialYear(startYear: 2027)) }
        #expect(nextYear == "INV/2027-28/0001")
    }

    @Test func anIssuedDocumentIsRecordedAndCanNeverBeChangedOrRemoved() throws {
        let invoice = try DocumentRepository.insert(connection, document("INV/2026-27/0001"))
        #expect(try DocumentRepository.find(connection, publicID: invoice.publicID) == invoice)
        #expect(try DocumentRepository.forClient(connection, clientID: clientID).map(\.number) == ["INV/2026-27/0001"])
        let update = #expect(throws: PostgresError.self) { try connection.execute("UPDATE documents SET sha256 = $1", String(repeating: "00", count: 32)) }
        #expect(update?.message.contains("immutable once issued") == true)
        #expect(throws: PostgresError.self) { try connection.execute("DELETE FROM documents") }
        #expect(try DocumentRepository.find(connection, publicID: invoice.publicID)?.sha256 == invoice.sha256)
    }

    @Test func aCreditNoteMustReferenceItsInvoice() throws {
        let invoice = try DocumentRepository.insert(connection, document("INV/2026-27/0001"))
        #expect(throws: PostgresError.self) { try DocumentRepository.insert(connection, document("CN/2026-27/0001", kind: .creditNote)) }
        let credit = try DocumentRepository.insert(connection, document("CN/2026-27/0001", kind: .creditNote, references: invoice.id))
        #expect(credit.referencesID == invoice.id)
    }
}

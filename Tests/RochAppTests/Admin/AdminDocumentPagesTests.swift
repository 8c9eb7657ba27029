import Foundation
import RochApp
import RochCore
import RochDocuments
import RochHTTP
import RochStore
import RochTestSupport
import Testing

/// The staff side of documents: a booking's documents page and download, and the accountant's ZIP.
@Suite(.serialized) struct AdminDocumentPagesTests {
    let w: AdminWorld
    let issuer: DocumentIssuer
    let day = CalendarDay(year: 2026, month: 12, day: 4)!
    let bookingID: Int64, clientID: Int64

    init() async throws {
        w = try await AdminWorld()
        issuer = DocumentIssuer(context: w.context)
        let publicID = w.bookingPublicID
        (bookingID, clientID) = try w.sync { c in
            let row = try c.query("SELECT id, client_id FROM bookings WHERE public_id = $1", publicID).first!
            return (try row.decode("id"), try row.decode("client_id"))
        }
    }

    @Sendable func layout(_ number: String) -> PrintedDocument {
        .taxInvoice(TaxInvoiceDetails(number: number, issuedOn: day, letterhead: .rochEvents(gstin: "29AAPFR1234K1Z5"), client: Party(name: "Asha Rao"),
                                      placeOfSupply: GSTState(code: 29)!, lines: [InvoiceLine(description: "Wedding planning", unitPrice: Money(rupees: 1_00_000), ratePercent: 18)],
                                      event: "Wedding", bookingReference: "bk", createdAt: "2026-12-04T10:00:00+05:30"))
    }

    /// An invoice and its credit note on the world's booking, and an invoice on another booking.
    func issue() async throws -> (invoice: DocumentRecord, credit: DocumentRecord, elsewhere: DocumentRecord) {
        let invoice = try await issuer.issue(.init(kind: .taxInvoice, bookingID: bookingID, clientID: clientID, total: Money(rupees: 1_18_000)),
                                             on: day, layout: layout)
        let credit = try await issuer.issue(.init(kind: .creditNote, bookingID: bookingID, clientID: clientID, referencesID: invoice.id,
                                                  total: Money(rupees: -1_18_000)), on: day, layout: layout)
        let other: Int64 = try w.sync { c in
            try c.query("""
                INSERT INTO bookings (public_id, client_id, event_type, event_date, city, guests, budget) VALUES ($1, $2, 'wedding', '2027-03-01', 'Pune', 80, '5l_10l') RETURNING id
                """, PublicID.make(), clientID).first!.decode("id")
        }
        let elsewhere = try await issuer.issue(.init(kind: .taxInvoice, bookingID: other, clientID: clientID, total: Money(rupees: 1_18_000)),
                                               on: day, layout: layout)
        return (invoice, credit, elsewhere)
    }

    @Test func aCoordinatorSeesTheBookingsDocumentsAndDownloadsThemButNotAnotherBookingsOrTheExport() async throws {
        let (invoice, credit, elsewhere) = try await issue()
        let browser = try await w.signedIn("arjun@rochevents.in")
        let booking = await w.get("/admin/bookings/\(w.bookingPublicID)", browser)
        #expect(booking.text.contains("/admin/bookings/\(w.bookingPublicID)/documents"))
        let page = await w.get("/admin/bookings/\(w.bookingPublicID)/documents", browser)
        #expect(page.status == 200)
        #expect(page.text.contains("Tax Invoice INV/2026-27/0001") && page.text.contains("Credit Note CN/2026-27/0001"))
        #expect(page.text.contains("−₹1,18,000"))
        #expect(!page.text.contains(elsewhere.number) && !page.text.contains(AdminWorld.script))   // the client's name is escaped
        #expect(!page.text.contains("/admin/exports/documents"))   // coordinators do not export
        let pdf = await w.get("/admin/bookings/\(w.bookingPublicID)/documents/\(credit.publicID)", browser)
        #expect(pdf.status == 200 && pdf.headers["content-type"] == "application/pdf" && pdf.bodyBytes.starts(with: Array("%PDF".utf8)))
        #expect(await w.get("/admin/bookings/\(w.bookingPublicID)/documents/\(elsewhere.publicID)", browser).status == 404)
        #expect(await w.get("/admin/bookings/bk_nosuchbooking/documents", browser).status == 404)
        #expect(await w.get("/admin/exports/documents-2026-27.zip", browser).status == 403)
        #expect(try w.sync { c in try c.query("SELECT 1 FROM audit_log WHERE action = 'document.downloaded' AND entity_id = $1", credit.number).count } == 1)
        _ = invoice
    }

    @Test func accountsDownloadTheYearsInvoicesAndCreditNotesAsAZipWithARegister() async throws {
        let (invoice, credit, elsewhere) = try await issue()
        let browser = try await w.signedIn("sahil@rochevents.in")
        let list = await w.get("/admin/exports/documents", browser)
        #expect(list.status == 200 && list.text.contains("/admin/exports/documents-2026-27.zip") && list.text.contains("3 documents"))
        let zip = await w.get("/admin/exports/documents-2026-27.zip", browser)
        #expect(zip.status == 200 && zip.headers["content-type"] == "application/zip")
        let folder = NSTemporaryDirectory() + "roch-zip-test-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Data(zip.bodyBytes).write(to: URL(fileURLWithPath: folder + "/export.zip"))
        #expect(try runTool("unzip", ["-q", "-t", folder + "/export.zip"]).status == 0)
        let entries = try runTool("unzip", ["-Z1", folder + "/export.zip"]).output.split(separator: "\n").map(String.init).sorted()
        #expect(entries == ["credit-notes/CN-2026-27-0001.pdf", "register.csv", "tax-invoices/INV-2026-27-0001.pdf", "tax-invoices/INV-2026-27-0002.pdf"])
        // Each PDF in the ZIP is the issued one, byte for byte.
        #expect(try runTool("unzip", ["-q", folder + "/export.zip", "-d", folder + "/x"]).status == 0)
        #expect(try sha256Of(folder + "/x/tax-invoices/INV-2026-27-0001.pdf") == invoice.sha256)
        let register = try String(contentsOfFile: folder + "/x/register.csv", encoding: .utf8)
        #expect(register.contains("tax_invoice,INV/2026-27/0002,\(IST.day(of: elsewhere.issuedAt)),Asha <script>alert('owned')</script>,118000.00,,tax-invoices/INV-2026-27-0002.pdf"))
        #expect(register.contains("credit_note,CN/2026-27/0001,") && register.contains(",-118000.00,INV/2026-27/0001,credit-notes/CN-2026-27-0001.pdf,\(credit.sha256)"))
        #expect(await w.get("/admin/exports/documents-2026-28.zip", browser).status == 404)
        #expect(await w.get("/admin/exports/documents-2025-26.zip", browser).status == 200)   // an empty year is an empty ZIP with its register

        // A changed stored copy refuses the whole export rather than filing a partial one.
        guard case .local(let root) = w.context.configuration.documents else { Issue.record("tests use a local store"); return }
        try FileManager.default.removeItem(atPath: "\(root)/\(credit.storageKey)")
        let refused = await w.get("/admin/exports/documents-2026-27.zip", browser)
        #expect(refused.status == 503 && refused.text.contains("CN/2026-27/0001"))
    }
}

/// The SHA-256 of a file, as the document store records it.
func sha256Of(_ path: String) throws -> String {
    let output = try runTool("sha256sum", [path]).output
    return String(output.prefix(64))
}

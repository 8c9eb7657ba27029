import Foundation
import RochApp
import RochCore
import RochHTTP
import RochStore
import RochTestSupport
import Testing

/// The documents a real payment gives birth to, through the webhook, the worker's document jobs and
/// the portal: the PDF read back by pdftotext, the portal answering only its own client.
@Suite(.serialized) struct PaymentDocumentsTests {
    let f: PaymentFixture
    let api: PortalAPI
    let fy = FinancialYear.containing(IST.day(of: Date())).label
    let clientID: Int64

    init() async throws {
        f = try await PaymentFixture()
        api = PortalAPI(context: f.context)
        let bookingID = f.bookingID
        // A registered client in Telangana, named in Telugu: IGST against the business in Maharashtra (the fixture's GSTIN).
        clientID = try f.context.database.withConnectionSync { c in
            let id: Int64 = try c.query("SELECT client_id FROM bookings WHERE id = $1", bookingID).first!.decode("client_id")
            try c.execute("UPDATE clients SET name = 'అనన్య రావు', gstin = '36AABCS1429B1Z2' WHERE id = $1", id)
            return id
        }
        try await f.runQueuedLinkJobs()
    }

    /// Signs `clientID` in through a magic link; the session cookie's value.
    func signIn(_ clientID: Int64) async throws -> String {
        let url = try f.context.database.withConnectionSync { c in
            try PortalAccess.issueLink(c, clientID: clientID, issuedBy: "test", lifetime: 600, siteURL: "https://rochevents.test")
        }
        let opened = try await api.handle(Request(method: "GET", path: "/api/portal/open", queryString: "token=\(url.split(separator: "=").last!)"))
        return String(opened.headers["set-cookie"]!.split(separator: ";")[0].split(separator: "=", maxSplits: 1)[1])
    }

    func get(_ path: String, cookie: String?, accept: String = "application/json") async -> Response {
        var headers = Headers([("Accept", accept)])
        if let cookie { headers.add("Cookie", "\(PortalAccess.cookieName)=\(cookie)") }
        return await ErrorResponder.respond({ try await api.handle($0) }, to: Request(method: "GET", path: path, headers: headers))
    }

    func document(_ source: String) throws -> DocumentRecord {
        try f.context.database.withConnectionSync { c in try DocumentRepository.find(c, source: source)! }
    }

    /// pdftotext of the bytes, line breaks and runs of spaces collapsed; the PDF and a PNG kept under test-output/documents.
    func text(of bytes: [UInt8], name: String) throws -> String {
        let directory = try testOutputDirectory("documents")
        let pdf = "\(directory)/\(name).pdf"
        try Data(bytes).write(to: URL(fileURLWithPath: pdf))
        #expect(try runTool("qpdf", ["--check", pdf]).status == 0)
        #expect(try runTool("pdftoppm", ["-png", "-r", "110", "-singlefile", pdf, "\(directory)/\(name)"]).status == 0)
        return try runTool("pdftotext", ["-enc", "UTF-8", pdf, "-"]).output
            .split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\u{0C}" }).joined(separator: " ")
    }

    @Test func aPaidDepositGivesItsClientATaxInvoiceAndReceiptOnThePortalAndNoOneElse() async throws {
        let deposit = try f.milestone(1)
        let paid = try f.fake.pay(linkID: deposit.razorpayLinkID!)
        #expect(await f.deliver(all: paid.deliveries) == [200, 200])
        // Nothing links a document before it exists: the message waits for the document job.
        #expect(try f.outbox("payment_received").isEmpty)
        try await f.runQueuedDocumentJobs()
        let paymentID = try f.strings("SELECT id::text AS v FROM payments WHERE counted_at IS NOT NULL")[0]
        let invoice = try document("payment:\(paymentID):tax_invoice")
        let receipt = try f.context.database.withConnectionSync { c in try DocumentRepository.forClient(c, clientID: clientID) }.first { $0.kind == .receipt }
        #expect(invoice.number == "INV/\(fy)/0001" && invoice.total == deposit.amount && invoice.clientID == clientID)
        #expect(receipt?.number == "RE/\(fy)/0001" && receipt?.referencesID == invoice.id)
        #expect(try f.strings("SELECT DISTINCT parameters->>'invoice_link' AS v FROM notifications WHERE moment = 'payment_received'")
                == ["https://rochevents.test/api/portal/documents/\(invoice.publicID)"])

        // The client lists and downloads their own invoice; pdftotext reads what GST asks for.
        let cookie = try await signIn(clientID)
        let list = String(decoding: await get("/api/portal/documents", cookie: cookie).bodyBytes, as: UTF8.self)
        #expect(list.contains(invoice.publicID) && list.contains("RE/\(fy)/0001"))
        let download = await get("/api/portal/documents/\(invoice.publicID)", cookie: cookie, accept: "application/pdf")
        #expect(download.status == 200 && download.headers["content-type"] == "application/pdf")
        let text = try text(of: download.bodyBytes, name: "wired-tax-invoice-telugu-client")
        #expect(text.contains("INV/\(fy)/0001"))
        #expect(text.contains("GSTIN: \(PaymentFixture.gstin)") && text.contains("GSTIN: 36AABCS1429B1Z2"))
        #expect(text.contains("36-Telangana") && text.contains("IGST") && !text.contains("CGST"))
        let split = GST.split(gross: deposit.amount, rateBasisPoints: GST.standardRateBasisPoints)
        #expect(text.contains(split.net.inrWithPaise) && text.contains(split.tax.inrWithPaise) && text.contains(deposit.amount.inrWithPaise))
        #expect(text.contains(AmountInWords.rupees(deposit.amount)))
        #expect(text.contains("అనన్య రావు"))

        // Another client, signed in, gets the same 404 as a document that does not exist; no session: sign in.
        let other: Int64 = try f.context.database.withConnectionSync { c in
            try c.query("INSERT INTO clients (phone, name) VALUES ('+919876500099', 'Ravi Kumar') RETURNING id").first!.decode("id")
        }
        let stranger = try await signIn(other)
        let refused = await get("/api/portal/documents/\(invoice.publicID)", cookie: stranger)
        let missing = await get("/api/portal/documents/doc_00000000000000000000000000000000", cookie: stranger)
        #expect(refused.status == 404 && refused.bodyBytes == missing.bodyBytes)
        #expect(!String(decoding: await get("/api/portal/documents", cookie: stranger).bodyBytes, as: UTF8.self).contains(invoice.publicID))
        #expect(await get("/api/portal/documents/\(invoice.publicID)", cookie: nil).status == 401)
        let browser = await get("/api/portal/documents/\(invoice.publicID)", cookie: nil, accept: "text/html")
        #expect(browser.status == 303 && browser.headers["location"] == "/portal/?signin=required")
    }

    @Test func aStoredCopyThatChangedOrVanishedIsRefusedWithAClearErrorNotServed() async throws {
        let paid = try f.fake.pay(linkID: try f.milestone(1).razorpayLinkID!)
        _ = await f.deliver(all: paid.deliveries)
        try await f.runQueuedDocumentJobs()
        let paymentID = try f.strings("SELECT id::text AS v FROM payments WHERE counted_at IS NOT NULL")[0]
        let invoice = try document("payment:\(paymentID):tax_invoice")
        guard case .local(let root) = f.context.configuration.documents else { Issue.record("tests use a local store"); return }
        let path = "\(root)/\(invoice.storageKey)"
        let cookie = try await signIn(clientID)
        try FileManager.default.removeItem(atPath: path)
        try Data("%PDF-1.7 not the issued bytes".utf8).write(to: URL(fileURLWithPath: path))
        let changed = await get("/api/portal/documents/\(invoice.publicID)", cookie: cookie)
        #expect(changed.status == 503)
        #expect(String(decoding: changed.bodyBytes, as: UTF8.self).contains("has changed since it was issued"))
        try FileManager.default.removeItem(atPath: path)
        let vanished = await get("/api/portal/documents/\(invoice.publicID)", cookie: cookie)
        #expect(vanished.status == 503 && !vanished.bodyBytes.starts(with: Array("%PDF".utf8)))
    }

    @Test func aRefundGivesACreditNoteThatNamesAndExactlyReversesThePaymentsInvoice() async throws {
        let deposit = try f.milestone(1)
        let paid = try f.fake.pay(linkID: deposit.razorpayLinkID!)
        _ = await f.deliver(all: paid.deliveries)
        try await f.runQueuedDocumentJobs()
        #expect(await f.deliver(try f.fake.refund(paymentID: paid.paymentID)).status == 200)
        try await f.runQueuedDocumentJobs(again: true)
        let paymentID = try f.strings("SELECT id::text AS v FROM payments WHERE counted_at IS NOT NULL")[0]
        let invoice = try document("payment:\(paymentID):tax_invoice")
        let notes = try f.context.database.withConnectionSync { c in try DocumentRepository.forClient(c, clientID: clientID) }.filter { $0.kind == .creditNote }
        #expect(notes.count == 1)
        #expect(notes.first?.referencesID == invoice.id && notes.first?.total == Money.zero - deposit.amount && notes.first?.number == "CN/\(fy)/0001")
        let cookie = try await signIn(clientID)
        let pdf = await get("/api/portal/documents/\(notes[0].publicID)", cookie: cookie, accept: "application/pdf")
        let text = try text(of: pdf.bodyBytes, name: "wired-credit-note")
        #expect(text.contains("CN/\(fy)/0001") && text.contains("INV/\(fy)/0001"))
        #expect(text.contains(AmountInWords.rupees(deposit.amount)))
    }

    @Test func aSentProposalAndARecordedVendorPaymentGetTheirPDFs() async throws {
        // The fixture sent the proposal: its job is queued in the sending transaction.
        try await f.runQueuedDocumentJobs(again: true)
        let bookingID = f.bookingID
        let docs = try f.context.database.withConnectionSync { c in try DocumentRepository.forBooking(c, bookingID: bookingID) }
        #expect(docs.map(\.kind) == [.proposal])
        #expect(docs.first?.number == "PR/\(fy)/0001" && docs.first?.source?.hasPrefix("proposal:") == true)
        let cookie = try await signIn(clientID)
        let pdf = await get("/api/portal/documents/\(docs[0].publicID)", cookie: cookie, accept: "application/pdf")
        let text = try text(of: pdf.bodyBytes, name: "wired-proposal")
        #expect(text.contains("PR/\(fy)/0001") && text.contains("Valid until") && text.contains("Payment plan"))
        #expect(text.contains(try f.milestone(1).amount.inr))

        let voucherTotal = Money(rupees: 40_000)
        try f.context.database.withConnectionSync { c in
            let vendor: Int64 = try c.query("INSERT INTO vendors (name, category, phone) VALUES ('Lakshmi Caterers', 'caterer', '+919845012345') RETURNING id").first!.decode("id")
            let assignment: Int64 = try c.query("INSERT INTO vendor_assignments (booking_id, vendor_id, role, amount_agreed) VALUES ($1, $2, 'Caterer', 10000000) RETURNING id",
                                                bookingID, vendor).first!.decode("id")
            _ = try c.transaction { c in
                try VendorPayables.record(c, NewVendorPayment(assignmentID: assignment, amount: voucherTotal, paidOn: IST.day(of: Date()),
                                                              method: "upi", reference: "UTR 4521", recordedBy: "staff:1"))
            }
        }
        try await f.runQueuedDocumentJobs()
        let voucher = try f.context.database.withConnectionSync { c in try DocumentRepository.forBooking(c, bookingID: bookingID) }.last!
        #expect(voucher.kind == .vendorVoucher && voucher.number == "VV/\(fy)/0001" && voucher.total == voucherTotal && voucher.clientID == nil)
        // A vendor's voucher is not the client's: the portal does not serve it to them.
        #expect(await get("/api/portal/documents/\(voucher.publicID)", cookie: cookie).status == 404)
    }
}


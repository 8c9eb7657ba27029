import Foundation
import RochApp
import RochCore
import RochHTTP
import RochIntegrations
import RochStore
import RochTestSupport
import Testing

/// The staff documents page lists the client's uploads; a download is checked and audited.
@Suite(.serialized) struct AdminClientUploadsTests {
    @Test func staffSeeAndDownloadTheClientsUploadsOfThisBookingOnly() async throws {
        let w = try await AdminWorld()
        let publicID = w.bookingPublicID
        let (bookingID, clientID): (Int64, Int64) = try w.sync { c in
            let row = try c.query("SELECT id, client_id FROM bookings WHERE public_id = $1", publicID).first!
            return (try row.decode("id"), try row.decode("client_id"))
        }
        let png: [UInt8] = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 9, 8, 7]
        let scratch = NSTemporaryDirectory() + "roch-staff-upload-\(UUID().uuidString)"
        try Data(png).write(to: URL(fileURLWithPath: scratch))
        defer { unlink(scratch) }
        let digest = try FileDigest(path: scratch)
        let random = PublicID.make()
        let key = ClientUploadRules.storageKey(bookingId: bookingID, random: random, kind: .png)
        try await w.context.configuration.documents.makeStore().put(key: key, file: scratch, sha256: digest.sha256, size: digest.size, contentType: "image/png")
        let upload = try w.sync { c in
            try ClientUploadRepository.insert(c, NewClientUpload(publicID: "up_" + random, bookingID: bookingID, clientID: clientID,
                                                                 originalName: "mandap <b>idea</b>.png", kind: .png, sizeBytes: digest.size,
                                                                 sha256: digest.sha256, storageKey: key, scanned: true))
        }
        let browser = try await w.signedIn("arjun@rochevents.in")
        let page = await w.get("/admin/bookings/\(publicID)/documents", browser)
        #expect(page.status == 200)
        #expect(page.text.contains("From the client") && page.text.contains("mandap &lt;b&gt;idea&lt;/b&gt;.png") && page.text.contains("scanned clean"))
        let file = await w.get("/admin/bookings/\(publicID)/documents/\(upload.publicID)", browser)
        #expect(file.status == 200 && file.bodyBytes == png && file.headers["content-type"] == "image/png")
        #expect(try w.sync { c in try c.query("SELECT 1 FROM audit_log WHERE action = 'client_upload.downloaded' AND entity_id = $1", upload.publicID).count } == 1)
        let other: String = PublicID.make()
        try w.sync { c in
            try c.execute("""
                INSERT INTO bookings (public_id, client_id, event_type, event_date, city, guests, budget) VALUES ($1, $2, 'wedding', '2027-03-01', 'Pune', 80, '5l_10l')
                """, other, clientID)
        }
        #expect(await w.get("/admin/bookings/\(other)/documents/\(upload.publicID)", browser).status == 404)
        #expect(!(await w.get("/admin/bookings/\(other)/documents", browser)).text.contains("mandap"))
    }
}

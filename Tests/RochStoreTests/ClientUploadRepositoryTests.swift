import Foundation
import RochCore
import RochStore
import RochTestSupport
import Testing

@Suite struct ClientUploadRepositoryTests {
    let connection: Connection
    let asha: (client: Int64, booking: Int64)
    let ravi: (client: Int64, booking: Int64)

    init() async throws {
        let connection = try Connection(url: try await TestDatabase.makeMigrated())
        self.connection = connection
        func make(_ phone: String, _ name: String) throws -> (client: Int64, booking: Int64) {
            let client: Int64 = try connection.query("INSERT INTO clients (phone, name) VALUES ($1, $2) RETURNING id", phone, name).first!.decode("id")
            let booking: Int64 = try connection.query("""
                INSERT INTO bookings (public_id, client_id, event_type, event_date, city, guests, budget)
                VALUES ($1, $2, 'wedding', '2027-01-20', 'Udaipur', 300, '25l_50l') RETURNING id
                """, "bk_\(UUID().uuidString)", client).first!.decode("id")
            return (client, booking)
        }
        asha = try make("+919876500011", "Asha Rao")
        ravi = try make("+919876500012", "Ravi Kumar")
    }

    func upload(_ who: (client: Int64, booking: Int64), size: Int64 = 2048, kind: ClientUploadRules.Kind = .png) -> NewClientUpload {
        let random = UUID().uuidString.lowercased()
        return NewClientUpload(publicID: "up_\(random)", bookingID: who.booking, clientID: who.client, originalName: "stage.\(kind.fileExtension)",
                               kind: kind, sizeBytes: size, sha256: String(repeating: "cd", count: 32),
                               storageKey: ClientUploadRules.storageKey(bookingId: who.booking, random: random, kind: kind), scanned: false)
    }

    @Test func anUploadIsRecordedWithItsSniffedTypeAndNotScannedByDefault() throws {
        let row = try ClientUploadRepository.insert(connection, upload(asha, kind: .pdf))
        #expect(row.contentType == "application/pdf")
        #expect(row.scanStatus == "not_scanned")
        #expect(row.removedAt == nil)
        #expect(try ClientUploadRepository.forBooking(connection, bookingID: asha.booking) == [row])
        var scanned = upload(asha)
        scanned.scanned = true
        #expect(try ClientUploadRepository.insert(connection, scanned).scanStatus == "clean")
    }

    @Test func anotherClientsUploadIsNotFound() throws {
        let row = try ClientUploadRepository.insert(connection, upload(asha))
        #expect(try ClientUploadRepository.find(connection, publicID: row.publicID, clientID: asha.client) == row)
        #expect(try ClientUploadRepository.find(connection, publicID: row.publicID, clientID: ravi.client) == nil)
        #expect(try ClientUploadRepository.find(connection, publicID: row.publicID, bookingID: ravi.booking) == nil)
        #expect(try ClientUploadRepository.forClient(connection, clientID: ravi.client).isEmpty)
    }

    @Test func usageCountsLiveUploadsOfTheBookingOnly() throws {
        _ = try ClientUploadRepository.insert(connection, upload(asha, size: 1000))
        let removed = try ClientUploadRepository.insert(connection, upload(asha, size: 5000))
        _ = try ClientUploadRepository.insert(connection, upload(ravi, size: 7000))
        try connection.execute("UPDATE client_uploads SET removed_at = now() WHERE id = $1", removed.id)
        let usage = try connection.transaction { c in try ClientUploadRepository.usage(c, bookingID: asha.booking) }
        #expect(usage.bytes == 1000 && usage.files == 1)
    }

    @Test func theTableRefusesWhatTheRulesWouldRefuse() throws {
        #expect(throws: PostgresError.self) { try ClientUploadRepository.insert(connection, upload(asha, size: 10_485_761)) }
        var outside = upload(asha)
        outside.storageKey = "tax_invoice/INV-2026-27-0001.pdf"
        #expect(throws: PostgresError.self) { try ClientUploadRepository.insert(connection, outside) }
        #expect(throws: PostgresError.self) {
            try connection.execute("""
                INSERT INTO client_uploads (public_id, booking_id, client_id, original_name, content_type, size_bytes, sha256, storage_key)
                VALUES ('up_0123456789abcdefghij', $1, $2, 'x.svg', 'image/svg+xml', 10, $3, 'client-uploads/x.svg')
                """, asha.booking, asha.client, String(repeating: "cd", count: 32))
        }
    }
}

import Foundation
import RochCore
import RochHTTP
import RochStore
import ZIPFoundation

/// A booking's documents (issued PDFs) for the team, and the accountant's ZIP of a financial year.
extension AdminApp {
    func bookingDocuments(_ publicID: String, session: StaffSession) async throws -> Response {
        let found = try await context.database.withConnection { c -> (BookingRecord, String, [DocumentRecord], [ClientUploadRecord])? in
            guard let b = try BookingRepository.find(c, publicID: publicID) else { return nil }
            return (b, try ClientRepository.find(c, id: b.clientID)?.name ?? "", try DocumentRepository.forBooking(c, bookingID: b.id),
                    try ClientUploadRepository.forBooking(c, bookingID: b.id))
        }
        guard let (booking, clientName, documents, uploads) = found else { return noSuchBooking(publicID, session: session) }
        let uploadRows: [[String: Any]] = uploads.map { u in
            ["name": u.originalName, "uploadedOn": NotificationFormat.date(IST.day(of: u.uploadedAt)), "kilobytes": (u.sizeBytes + 1023) / 1024,
             "type": u.contentType == "application/pdf" ? "PDF" : "Photo", "scan": u.scanStatus == "clean" ? "scanned clean" : "not scanned",
             "url": "/admin/bookings/\(booking.publicID)/documents/\(u.publicID)"]
        }
        let rows: [[String: Any]] = documents.map { d in
            ["title": d.kind.title, "number": d.number, "issuedOn": NotificationFormat.date(IST.day(of: d.issuedAt)),
             "total": d.total.paise < 0 ? "−" + (Money.zero - d.total).inr : d.total.inr,
             "url": "/admin/bookings/\(booking.publicID)/documents/\(d.publicID)", "fileName": DocumentDownload.fileName(d)]
        }
        return templates.response(AdminPage("documents", title: "Documents: \(clientName)", current: "bookings", values: [
            "booking": ["publicID": booking.publicID, "clientName": clientName,
                        "eventType": EventType(rawValue: booking.eventType)?.label ?? booking.eventType,
                        "eventDate": NotificationFormat.date(booking.eventDate)],
            "rows": rows, "hasRows": !rows.isEmpty, "uploads": uploadRows, "hasUploads": !uploadRows.isEmpty,
            "canExport": StaffPermissions.decide(role: session.role, staffID: session.account.id, action: .exports).isAllowed,
        ]), session: session)
    }

    func bookingDocument(_ publicID: String, _ documentID: String, request: Request, session: StaffSession) async throws -> Response {
        let found = try await context.database.withConnection { c -> DocumentRecord? in
            guard let b = try BookingRepository.find(c, publicID: publicID), let d = try DocumentRepository.find(c, publicID: documentID),
                  d.bookingID == b.id else { return nil }
            return d
        }
        guard let document = found else {
            if let response = try await clientUpload(publicID, documentID, request: request, session: session) { return response }
            return message(status: 404, heading: "No such document", text: "This booking has no document \(documentID).", session: session)
        }
        let response = try await DocumentDownload.response(document, store: context.configuration.documents.makeStore())
        try await recordAudit(session, request, action: "document.downloaded", entity: "document", entityID: document.number,
                              details: ["booking": publicID])
        return response
    }

    /// A client's upload on this booking, checked against its record; audited like a document.
    func clientUpload(_ publicID: String, _ uploadID: String, request: Request, session: StaffSession) async throws -> Response? {
        let found = try await context.database.withConnection { c -> ClientUploadRecord? in
            guard let b = try BookingRepository.find(c, publicID: publicID) else { return nil }
            return try ClientUploadRepository.find(c, publicID: uploadID, bookingID: b.id)
        }
        guard let upload = found else { return nil }
        let response = try await ClientUploadDownload.response(upload, store: context.configuration.documents.makeStore())
        try await recordAudit(session, request, action: "client_upload.downloaded", entity: "client_upload", entityID: upload.publicID,
                              details: ["booking": publicID, "name": upload.originalName])
        return response
    }

    func documentExports(session: StaffSession) async throws -> Response {
        let years = try await context.database.withConnection { c in try DocumentRepository.years(c, kinds: DocumentExport.kinds) }
        return templates.response(AdminPage("document-exports", title: "Invoices and credit notes", current: nil, values: [
            "years": years.map { ["label": $0.year.label, "count": $0.count, "url": "/admin/exports/\(DocumentExport.fileName($0.year))"] as [String: Any] },
            "hasYears": !years.isEmpty,
        ]), session: session)
    }

    /// Every tax invoice and credit note of the year, each checked against its record, and
    /// register.csv, in one ZIP. One missing or changed document refuses the whole export (a partial
    /// ZIP would be filed as complete).
    func documentExport(_ year: FinancialYear, request: Request, session: StaffSession) async throws -> Response {
        let lines = try await context.database.withConnection { c in try DocumentRepository.register(c, year, kinds: DocumentExport.kinds) }
        let store = context.configuration.documents.makeStore()
        let folder = NSTemporaryDirectory() + "roch-export-\(PublicID.make())"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let zipURL = URL(fileURLWithPath: folder + "/" + DocumentExport.fileName(year))
        do {
            let archive = try Archive(url: zipURL, accessMode: .create)
            for (d, _, _) in lines {
                let file = folder + "/" + d.publicID + ".pdf"
                do { try await store.getVerified(key: d.storageKey, sha256: d.sha256, size: d.sizeBytes, to: file) } catch {
                    FileHandle.standardError.write(Data("export \(year.label): \(d.number) not exported: \(error)\n".utf8))
                    return message(status: 503, heading: "Export not made",
                                   text: "The stored copy of \(d.number) could not be read or has changed since it was issued, so no ZIP was made. Check the document store (roch doctor) and try again.",
                                   session: session)
                }
                try archive.addEntry(with: DocumentExport.entryName(kind: d.kind, number: d.number), fileURL: URL(fileURLWithPath: file),
                                     compressionMethod: .deflate)
            }
            let register = Data(DocumentExport.register(lines.map { d, client, against in
                .init(kind: d.kind, number: d.number, issuedOn: IST.day(of: d.issuedAt), client: client ?? "", total: d.total, against: against,
                      sha256: d.sha256)
            }).utf8)
            try archive.addEntry(with: "register.csv", type: .file, uncompressedSize: Int64(register.count), compressionMethod: .deflate) { position, size in
                register.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        let bytes = [UInt8](try Data(contentsOf: zipURL))
        try await recordAudit(session, request, action: "documents.exported", entity: "financial_year", entityID: year.label,
                              details: ["documents": String(lines.count)])
        var response = Response(status: 200, contentType: "application/zip", body: bytes)
        response.headers.set("Content-Disposition", "attachment; filename=\"\(DocumentExport.fileName(year))\"")
        return response
    }

    func noSuchBooking(_ publicID: String, session: StaffSession) -> Response {
        message(status: 404, heading: "No such booking", text: "No booking has the id \(publicID). Search for it on the bookings page.", session: session)
    }

    func recordAudit(_ session: StaffSession, _ request: Request, action: String, entity: String, entityID: String, details: [String: String]) async throws {
        let client = StaffClient(request)
        try await context.database.withConnection { c in
            try AuditLogQueries.record(c, actor: "staff:\(session.account.id)", action: action, entity: entity, entityID: entityID,
                                       details: details, ip: client.ip, userAgent: client.userAgent)
        }
    }
}

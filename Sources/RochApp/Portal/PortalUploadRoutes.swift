import Foundation
import RochCore
import RochHTTP
import RochIntegrations
import RochStore

/// Client uploads (inspiration photos and documents): `POST /api/portal/uploads` (multipart: `booking`,
/// the booking's public id, and `file`), `GET /api/portal/uploads` lists the client's own, `GET
/// /api/portal/uploads/{id}` serves one after checking it against its record. The type is sniffed
/// from the bytes (ClientUploadRules); another client's upload or booking is the same 404 as none.
extension PortalAPI {
    func uploads(_ request: Request) async throws -> Response {
        let list = try await context.database.withConnection { c in
            guard let s = try PortalAccess.session(for: request, on: c) else { throw PortalAccess.signInRequired }
            var bookings: [Int64: String] = [:]
            for row in try c.query("SELECT id, public_id FROM bookings WHERE client_id = $1", s.clientID) {
                bookings[try row.decode("id")] = try row.decode("public_id")
            }
            return try ClientUploadRepository.forClient(c, clientID: s.clientID).map { PortalUploadView($0, booking: bookings[$0.bookingID] ?? "") }
        }
        return Self.private(try Response.json(PortalUploadList(uploads: list, limits: .init())))
    }

    func createUpload(_ request: Request) async throws -> Response {
        if let origin = request.headers["origin"], !Self.isOwnOrigin(origin, of: request, siteURL: context.configuration.siteURL) {
            throw HTTPError.forbidden("Uploads are accepted only from the portal's own pages.")
        }
        let session = try await context.database.withConnection { c in try PortalAccess.session(for: request, on: c) }
        guard let session else { throw PortalAccess.signInRequired }
        let form: MultipartForm
        do {
            form = try request.multipart(limits: .init(maxParts: 4, maxPartBytes: ClientUploadRules.maxFileBytes))
        } catch let error as HTTPError where error.status == 413 {
            throw HTTPError(413, code: "file_too_large", ClientUploadRules.Refusal.tooLarge(bytes: 0).message)
        }
        guard let file = form["file"], file.filename != nil else {
            throw HTTPError.unprocessable("Choose a photo or document to upload.", fields: ["file": "Choose a photo or document to upload."])
        }
        let bookingPublicID = form.field("booking") ?? ""
        let booking: Int64 = try await context.database.withConnection { c in
            guard let id: Int64 = try c.query("SELECT id FROM bookings WHERE public_id = $1 AND client_id = $2", bookingPublicID, session.clientID)
                .first?.decode("id") else { throw HTTPError.notFound("We could not find that booking among yours.") }
            return id
        }
        let kind: ClientUploadRules.Kind
        switch ClientUploadRules.check(file.body, bookingBytes: 0, bookingFiles: 0) {
        case .success(let k): kind = k
        case .failure(let refusal): throw Self.error(refusal)
        }
        let random = PublicID.make().lowercased()
        let key = ClientUploadRules.storageKey(bookingId: booking, random: random, kind: kind)
        let scratch = "\(NSTemporaryDirectory())/roch-upload-\(random)"
        defer { unlink(scratch) }
        guard FileManager.default.createFile(atPath: scratch, contents: Data(file.body)) else {
            throw HTTPError(503, code: "upload_unavailable", "The upload could not be saved just now. Try again in a few minutes.")
        }
        let digest = try FileDigest(path: scratch)
        let scanned: Bool
        if let command = context.configuration.uploadScanCommand {
            guard try await UploadScan.run(command, file: scratch) == .clean else { throw UploadScan.refused }
            scanned = true
        } else {
            scanned = false
        }
        try await context.configuration.documents.makeStore().put(key: key, file: scratch, sha256: digest.sha256, size: digest.size,
                                                                   contentType: kind.contentType)
        let name = ClientUploadRules.safeName(file.filename, kind: kind)
        let record = try await context.database.withConnection { c in
            try c.transaction { c in
                let usage = try ClientUploadRepository.usage(c, bookingID: booking)
                if case .failure(let refusal) = ClientUploadRules.check(file.body, bookingBytes: usage.bytes, bookingFiles: usage.files) {
                    throw Self.error(refusal)
                }
                return try ClientUploadRepository.insert(c, NewClientUpload(
                    publicID: "up_" + random, bookingID: booking, clientID: session.clientID, originalName: name, kind: kind,
                    sizeBytes: digest.size, sha256: digest.sha256, storageKey: key, scanned: scanned))
            }
        }
        if ErrorResponder.wantsJSON(request) {
            var response = try Response.json(PortalUploadView(record, booking: bookingPublicID))
            response.status = 201
            return Self.private(response)
        }
        return Self.private(Response.redirect(to: "/portal/?uploaded=\(record.publicID)"))
    }

    func upload(_ request: Request, publicID: String) async throws -> Response {
        let record = try await context.database.withConnection { c in
            guard let s = try PortalAccess.session(for: request, on: c) else { throw PortalAccess.signInRequired }
            guard let u = try ClientUploadRepository.find(c, publicID: publicID, clientID: s.clientID) else {
                throw HTTPError.notFound("We could not find that upload among yours.")
            }
            return u
        }
        return try await ClientUploadDownload.response(record, store: context.configuration.documents.makeStore())
    }

    static func error(_ refusal: ClientUploadRules.Refusal) -> HTTPError {
        switch refusal {
        case .empty: HTTPError.unprocessable(refusal.message, fields: ["file": refusal.message])
        case .tooLarge: HTTPError(413, code: "file_too_large", refusal.message)
        case .unsupportedType: HTTPError(415, code: "unsupported_file_type", refusal.message)
        case .bookingQuotaFull: HTTPError.conflict(refusal.message, code: "upload_quota_full")
        }
    }

    /// A browser's `Origin` is ours when it is the configured site's, or the host the request was sent to
    /// (`Origin: http://host[:port]` with `Host: host[:port]`; Debian's nginx passes `Host` without the
    /// port, and then the host name decides, which is the session cookie's own boundary: cookies are
    /// not kept apart by port). A page on another site cannot make its browser send either, so a
    /// cross-site form cannot upload in a signed-in client's name.
    static func isOwnOrigin(_ origin: String, of request: Request, siteURL: String) -> Bool {
        if origin == Self.origin(of: siteURL) { return true }
        guard let host = request.headers["host"]?.lowercased(), !host.isEmpty,
              let c = URLComponents(string: origin), c.scheme == "http" || c.scheme == "https",
              let originHost = c.host?.lowercased() else { return false }
        let withPort = originHost + (c.port.map { ":\($0)" } ?? "")
        return host == withPort || (host == originHost && !host.contains(":"))
    }

    /// "https://rochevents.in" of "https://rochevents.in/some/path".
    static func origin(of url: String) -> String {
        guard let c = URLComponents(string: url), let scheme = c.scheme, let host = c.host else { return url }
        return "\(scheme)://\(host)" + (c.port.map { ":\($0)" } ?? "")
    }
}

/// Serves an upload after checking it against its record (a missing or changed object is 503).
enum ClientUploadDownload {
    static func response(_ upload: ClientUploadRecord, store: any DocumentStore) async throws -> Response {
        let file = "\(NSTemporaryDirectory())/roch-upload-download-\(PublicID.make())"
        defer { unlink(file) }
        do {
            try await store.getVerified(key: upload.storageKey, sha256: upload.sha256, size: upload.sizeBytes, to: file)
        } catch {
            FileHandle.standardError.write(Data("upload \(upload.publicID) not served: \(error)\n".utf8))
            throw HTTPError(503, code: "upload_unavailable", "The stored copy of \(upload.originalName) is missing or has changed, so it is not served.")
        }
        let bytes = [UInt8]((try? Data(contentsOf: URL(fileURLWithPath: file))) ?? Data())
        var response = Response(status: 200, contentType: upload.contentType, body: bytes)
        response.headers.set("Content-Disposition", "attachment; filename=\"\(upload.originalName.replacingOccurrences(of: "\"", with: "_"))\"")
        response.headers.set("Cache-Control", "private, no-store")
        response.headers.set("X-Content-Type-Options", "nosniff")
        return response
    }
}

/// The client's uploads with the limits the portal states next to its form (one source: ClientUploadRules).
struct PortalUploadList: Encodable {
    let uploads: [PortalUploadView]
    let limits: Limits

    struct Limits: Encodable {
        let maxFileBytes = ClientUploadRules.maxFileBytes
        let maxBookingFiles = ClientUploadRules.maxBookingFiles
        let maxBookingBytes = ClientUploadRules.maxBookingBytes
        let types = ClientUploadRules.Kind.allCases.map(\.contentType)

        enum CodingKeys: String, CodingKey {
            case maxFileBytes = "max_file_bytes", maxBookingFiles = "max_booking_files", maxBookingBytes = "max_booking_bytes", types
        }
    }
}

/// An upload in the portal's list.
struct PortalUploadView: Encodable {
    let id: String
    let booking: String
    let name: String
    let contentType: String
    let sizeBytes: Int64
    let url: String
    let uploadedOn: String

    init(_ u: ClientUploadRecord, booking: String) {
        id = u.publicID; self.booking = booking; name = u.originalName; contentType = u.contentType; sizeBytes = u.sizeBytes
        url = "/api/portal/uploads/\(u.publicID)"; uploadedOn = IST.day(of: u.uploadedAt).description
    }

    enum CodingKeys: String, CodingKey { case id, booking, name, url, contentType = "content_type", sizeBytes = "size_bytes", uploadedOn = "uploaded_on" }
}

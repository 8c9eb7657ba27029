import Foundation
import RochCore
import RochHTTP
import RochIntegrations
import RochStore

/// Serves an issued document's PDF after checking it against its record: a missing or changed
/// object is a clear error (503), never the bytes. The portal and the staff pages decide who may ask.
enum DocumentDownload {
    static func response(_ document: DocumentRecord, store: any DocumentStore, scratchDirectory: String = NSTemporaryDirectory()) async throws -> Response {
        let file = "\(scratchDirectory)/roch-download-\(PublicID.make()).pdf"
        defer { unlink(file) }
        do {
            try await store.getVerified(key: document.storageKey, sha256: document.sha256, size: document.sizeBytes, to: file)
        } catch {
            FileHandle.standardError.write(Data("document \(document.number) (\(document.publicID)) not served: \(error)\n".utf8))
            switch error.kind {
            case .notFound, .checksumMismatch:
                throw HTTPError(503, code: "document_unavailable",
                                "The stored copy of \(document.number) is missing or has changed since it was issued, so it is not served. Please tell the Roch Events team.")
            default:
                throw HTTPError(503, code: "document_store_unavailable", "Documents cannot be fetched just now. Try again in a few minutes.",
                                headers: ["Retry-After": "60"])
            }
        }
        let bytes: [UInt8]
        do { bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file))) } catch {
            throw HTTPError(503, code: "document_store_unavailable", "Documents cannot be fetched just now. Try again in a few minutes.")
        }
        var response = Response(status: 200, contentType: document.contentType, body: bytes)
        response.headers.set("Content-Disposition", "inline; filename=\"\(fileName(document))\"")
        response.headers.set("Cache-Control", "private, no-store")
        response.headers.set("X-Content-Type-Options", "nosniff")
        return response
    }

    /// "INV-2026-27-0001.pdf".
    static func fileName(_ d: DocumentRecord) -> String { d.number.replacingOccurrences(of: "/", with: "-") + ".pdf" }

    /// "Tax Invoice INV/2026-27/0001 · ₹1,50,000".
    static func title(_ d: DocumentRecord) -> String {
        let amount = d.total.paise < 0 ? "−" + (Money.zero - d.total).inr : d.total.inr
        return "\(d.kind.title) \(d.number) · \(amount)"
    }
}

/// Where the client opens an issued document: the portal answers it only to the signed-in client it
/// was issued to (anyone else, signed in or not, gets the same 404 or the sign-in page).
enum PortalDocuments {
    static func path(publicID: String) -> String { "/api/portal/documents/\(publicID)" }
    static func url(site: String, publicID: String) -> String { site + path(publicID: publicID) }
}

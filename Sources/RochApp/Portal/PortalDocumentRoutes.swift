import Foundation
import RochCore
import RochHTTP
import RochStore

/// The client's issued documents: `GET /api/portal/documents` lists them, `GET
/// /api/portal/documents/{id}` serves one PDF (checked against its record). A document is looked up
/// by public id *and* the session's client: another client's document is the same 404 as none.
extension PortalAPI {
    func documents(_ request: Request) async throws -> Response {
        let list = try await context.database.withConnection { c in
            guard let s = try PortalAccess.session(for: request, on: c) else { throw PortalAccess.signInRequired }
            return try DocumentRepository.forClient(c, clientID: s.clientID).map(PortalIssuedDocumentView.init)
        }
        return Self.private(try Response.json(["documents": list]))
    }

    func document(_ request: Request, publicID: String) async throws -> Response {
        let found: DocumentRecord? = try await context.database.withConnection { c in
            guard let s = try PortalAccess.session(for: request, on: c) else {
                // A link from a message opened in a browser without a session: sign in first.
                if ErrorResponder.wantsJSON(request) { throw PortalAccess.signInRequired }
                return nil
            }
            guard let d = try DocumentRepository.find(c, publicID: publicID), d.clientID == s.clientID else { throw Self.noSuchDocument }
            return d
        }
        guard let document = found else { return Self.private(Response.redirect(to: "/portal/?signin=required")) }
        return try await DocumentDownload.response(document, store: context.configuration.documents.makeStore())
    }

    static let noSuchDocument = HTTPError.notFound("We could not find that document among yours.")
}

/// An issued document in the portal's lists.
struct PortalIssuedDocumentView: Encodable {
    let id: String
    let kind: String
    let number: String
    let title: String
    let url: String
    let issuedOn: String

    init(_ d: DocumentRecord) {
        id = d.publicID; kind = d.kind.rawValue; number = d.number; title = DocumentDownload.title(d)
        url = PortalDocuments.path(publicID: d.publicID); issuedOn = IST.day(of: d.issuedAt).description
    }

    enum CodingKeys: String, CodingKey { case id, kind, number, title, url, issuedOn = "issued_on" }
}

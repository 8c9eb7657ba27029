import Foundation
import RochCore
import RochIntegrations
import RochStore

/// `roch client export` and `roch client erase` (India's DPDP Act): a client's data as JSON with
/// their documents, and the anonymisation of their personal data. Both are written to the audit log.
public struct ClientDataRights: Sendable {
    public let database: Database
    public let documents: any DocumentStore
    /// Who ran the command (kept in the audit log).
    public let actor: String

    public init(database: Database, documents: any DocumentStore, actor: String) {
        self.database = database
        self.documents = documents
        self.actor = actor
    }

    public struct Refusal: Error, CustomStringConvertible {
        public var description: String
    }

    /// What an export wrote.
    public struct Export: Sendable {
        public var json: String
        public var documents: [String]
    }

    /// Writes `client.json` and `documents/<number>.pdf` (each verified against its recorded SHA-256)
    /// into `directory`, which must not exist yet or be empty.
    public func export(phone: String, to directory: String) async throws -> Export {
        let e164 = try Self.phone(phone)
        let fm = FileManager.default
        if let existing = try? fm.contentsOfDirectory(atPath: directory), !existing.isEmpty {
            throw Refusal(description: "\(directory) is not empty: name a new folder for the export")
        }
        let (clientID, json, records) = try await database.withConnection { c -> (Int64, String, [DocumentRecord]) in
            guard let id = try ClientPrivacy.clientID(c, phone: e164) else { throw Refusal(description: "no client with phone \(e164)") }
            return (id, try ClientPrivacy.export(c, clientID: id), try DocumentRepository.forClient(c, clientID: id))
        }
        try fm.createDirectory(atPath: directory + "/documents", withIntermediateDirectories: true)
        try Data(json.utf8).write(to: URL(fileURLWithPath: directory + "/client.json"))
        var written: [String] = []
        for d in records {
            let name = "documents/" + d.number.replacingOccurrences(of: "/", with: "-") + ".pdf"
            do throws(DocumentStoreError) {
                try await documents.getVerified(key: d.storageKey, sha256: d.sha256, size: d.sizeBytes, to: directory + "/" + name)
            } catch {
                throw Refusal(description: "document \(d.number) could not be read from the document store: \(error)")
            }
            written.append(name)
        }
        let actor = self.actor, count = written.count
        try await database.withConnection { c in
            try AuditLogQueries.record(c, actor: actor, action: "client.export", entity: "client", entityID: String(clientID),
                                       details: ["documents": String(count)])
        }
        return Export(json: json, documents: written)
    }

    /// Anonymises the client in one transaction, with its audit entry. Refuses while one of their
    /// bookings is still being planned (it needs a contact) unless `evenWithActiveBookings`.
    public func erase(phone: String, evenWithActiveBookings: Bool = false) async throws -> ClientPrivacy.Erasure {
        let e164 = try Self.phone(phone)
        let actor = self.actor
        return try await database.transaction { c in
            guard let id = try ClientPrivacy.clientID(c, phone: e164) else { throw Refusal(description: "no client with phone \(e164)") }
            let active = try ClientPrivacy.activeBookings(c, clientID: id)
            if !active.isEmpty && !evenWithActiveBookings {
                throw Refusal(description: "the client has \(active.count) booking(s) still in progress (\(active.joined(separator: ", "))): complete or cancel them first, or pass --even-with-active-bookings")
            }
            let erased = try ClientPrivacy.erase(c, clientID: id)
            try AuditLogQueries.record(c, actor: actor, action: "client.erase", entity: "client", entityID: String(id), details: [
                "bookings": String(erased.bookings), "messages_anonymised": String(erased.messagesAnonymised),
                "messages_cancelled": String(erased.messagesCancelled), "payments_kept": String(erased.paymentsKept),
                "invoices_kept": String(erased.invoicesKept), "documents_kept": String(erased.documentsKept),
            ])
            return erased
        }
    }

    static func phone(_ text: String) throws -> String {
        do { return try PhoneNumber.parse(text).description } catch { throw Refusal(description: "--phone \(text): \(error)") }
    }
}

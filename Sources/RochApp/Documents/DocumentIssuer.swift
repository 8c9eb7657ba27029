import Crypto
import Foundation
import RochCore
import RochDocuments
import RochIntegrations
import RochStore

/// Issues documents in one transaction: the next number of the kind's series, the PDF, the object in
/// the document store, the `documents` row. If anything fails the transaction rolls back and the
/// number goes back to the series (gap-free); an object already stored stays unreferenced under a key
/// no later document uses (each key carries a random part), so nothing issued is ever replaced.
public struct DocumentIssuer: Sendable {
    public let database: Database
    public let store: any DocumentStore
    public let series: DocumentSeries
    /// Where PDFs are rendered before they are stored (removed afterwards).
    public let scratchDirectory: String

    /// The issuer the configuration describes (DOCUMENTS_URL, DOCUMENT_SERIES).
    public init(context: AppContext) {
        self.init(database: context.database, store: context.configuration.documents.makeStore(), series: context.configuration.documentSeries)
    }

    public init(database: Database, store: any DocumentStore, series: DocumentSeries, scratchDirectory: String = NSTemporaryDirectory()) {
        self.database = database
        self.store = store
        self.series = series
        self.scratchDirectory = scratchDirectory
    }

    /// What a document is about, for its record.
    public struct Subject: Sendable {
        public var kind: DocumentKind
        public var bookingID: Int64?
        public var clientID: Int64?
        public var vendorID: Int64?
        public var referencesID: Int64?
        public var total: Money
        /// What the document is issued for ("payment:42:tax_invoice"): issuing the same source again
        /// returns the first document (`documents.source` is unique).
        public var source: String?
        /// A number already taken from the kind's series (a receipt keeps its receipt row's number).
        public var number: String?

        public init(kind: DocumentKind, bookingID: Int64? = nil, clientID: Int64? = nil, vendorID: Int64? = nil, referencesID: Int64? = nil,
                    total: Money, source: String? = nil, number: String? = nil) {
            self.kind = kind; self.bookingID = bookingID; self.clientID = clientID; self.vendorID = vendorID
            self.referencesID = referencesID; self.total = total; self.source = source; self.number = number
        }
    }

    /// Issues a document dated `day` (in India); `layout` gets the number and returns what to print.
    /// `then` runs in the issuing transaction with the new record (e.g. queues the message that links
    /// it), so the message exists only if the document does. A subject whose `source` was issued
    /// already returns that document and runs nothing.
    public func issue(_ subject: Subject, on day: CalendarDay, layout: @escaping @Sendable (String) -> PrintedDocument,
                      then: (@Sendable (Connection, DocumentRecord) throws -> Void)? = nil) async throws -> DocumentRecord {
        let year = FinancialYear.containing(day)
        return try await database.transaction { [store, series, scratchDirectory] c in
            if let source = subject.source, let issued = try DocumentRepository.find(c, source: source) { return issued }
            let number = try subject.number ?? DocumentRepository.nextNumber(c, kind: subject.kind, series: series, year: year)
            let token = Self.randomToken()
            let key = "\(subject.kind.rawValue)/\(year.label)/\(number.replacingOccurrences(of: "/", with: "-"))-\(token.prefix(10)).pdf"
            let file = "\(scratchDirectory)/roch-\(token).pdf"
            defer { unlink(file) }
            try PDFRenderer.render(layout(number), to: file)
            let digest = try FileDigest(path: file)
            try store.putBlocking(key: key, file: file, sha256: digest.sha256, size: digest.size, contentType: "application/pdf")
            let record = try DocumentRepository.insert(c, NewDocument(
                publicID: "doc_\(token)", kind: subject.kind, number: number, financialYear: year, bookingID: subject.bookingID,
                clientID: subject.clientID, vendorID: subject.vendorID, referencesID: subject.referencesID, storageKey: key,
                sha256: digest.sha256, sizeBytes: digest.size, total: subject.total, source: subject.source))
            try then?(c, record)
            return record
        }
    }

    /// Writes an issued document's PDF to `destination`, checked against its record (a changed or
    /// missing object is an error, never served).
    public func fetch(_ document: DocumentRecord, to destination: String) async throws(DocumentStoreError) {
        try await store.getVerified(key: document.storageKey, sha256: document.sha256, size: document.sizeBytes, to: destination)
    }

    /// 32 lowercase hex characters from the system's secure generator: unguessable links and keys.
    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }
}

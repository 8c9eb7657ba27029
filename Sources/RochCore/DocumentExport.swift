/// The accountant's export of a financial year: every tax invoice and credit note as a PDF in one
/// ZIP, with a register (CSV) listing them in number order.
public enum DocumentExport {
    /// The kinds an accountant files for GST returns.
    public static let kinds: [DocumentKind] = [.taxInvoice, .creditNote]

    /// "documents-2026-27.zip".
    public static func fileName(_ year: FinancialYear) -> String { "documents-\(year.label).zip" }

    /// The year a file name asks for ("documents-2026-27.zip"), or nil.
    public static func year(fileName: String) -> FinancialYear? {
        guard fileName.hasPrefix("documents-"), fileName.hasSuffix(".zip") else { return nil }
        let label = fileName.dropFirst("documents-".count).dropLast(".zip".count)
        guard let year = FinancialYear(label: String(label)), year.label == label else { return nil }
        return year
    }

    /// "tax-invoices/INV-2026-27-0001.pdf": a folder per kind, the number with '/' made '-'.
    public static func entryName(kind: DocumentKind, number: String) -> String {
        let folder = kind == .creditNote ? "credit-notes" : kind == .taxInvoice ? "tax-invoices" : kind.rawValue
        return "\(folder)/\(number.replacingOccurrences(of: "/", with: "-")).pdf"
    }

    /// One line of the register.
    public struct RegisterLine: Sendable, Hashable {
        public var kind: DocumentKind
        public var number: String
        public var issuedOn: CalendarDay
        public var client: String
        /// GST included; negative on a credit note.
        public var total: Money
        /// A credit note's invoice number.
        public var against: String?
        public var sha256: String

        public init(kind: DocumentKind, number: String, issuedOn: CalendarDay, client: String, total: Money, against: String?, sha256: String) {
            self.kind = kind; self.number = number; self.issuedOn = issuedOn; self.client = client; self.total = total
            self.against = against; self.sha256 = sha256
        }
    }

    /// register.csv (RFC 4180, CRLF): amounts in rupees with two decimals, so a spreadsheet sums them.
    public static func register(_ lines: [RegisterLine]) -> String {
        var out = "kind,number,date,client,total_inr,against_invoice,file,sha256\r\n"
        for l in lines {
            out += [l.kind.rawValue, l.number, l.issuedOn.description, l.client, CSVText.rupees(l.total), l.against ?? "",
                    entryName(kind: l.kind, number: l.number), l.sha256].map(CSVText.field).joined(separator: ",") + "\r\n"
        }
        return out
    }
}

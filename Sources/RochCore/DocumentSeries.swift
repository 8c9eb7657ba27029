/// The kinds of document the business issues; each has its own gap-free number series per financial year.
public enum DocumentKind: String, Sendable, Hashable, Codable, CaseIterable {
    case taxInvoice = "tax_invoice"
    case receipt
    case creditNote = "credit_note"
    case proposal
    case vendorVoucher = "vendor_voucher"

    /// The title printed at the top of the document.
    public var title: String {
        switch self {
        case .taxInvoice: return "Tax Invoice"
        case .receipt: return "Payment Receipt"
        case .creditNote: return "Credit Note"
        case .proposal: return "Proposal"
        case .vendorVoucher: return "Vendor Payment Voucher"
        }
    }
}

/// The number prefix of each kind of document ("INV" gives INV/2026-27/0001). Configurable with
/// `DOCUMENT_SERIES` (e.g. `tax_invoice=TI,credit_note=CRN`); kinds not named keep their default.
/// A prefix is what the store's counter is keyed on, so two kinds must never share one (their
/// numbers would interleave and neither series would be gap-free on its own).
public struct DocumentSeries: Sendable, Hashable {
    public private(set) var prefixes: [DocumentKind: String]

    /// Receipts keep "RE", the series payments have used since the first receipt.
    public static let defaults: [DocumentKind: String] = [
        .taxInvoice: "INV", .receipt: "RE", .creditNote: "CN", .proposal: "PR", .vendorVoucher: "VV",
    ]

    public init(prefixes: [DocumentKind: String] = [:]) {
        self.prefixes = DocumentSeries.defaults.merging(prefixes) { _, new in new }
    }

    public func prefix(for kind: DocumentKind) -> String { prefixes[kind]! }

    /// "INV/2026-27/0001".
    public func number(for kind: DocumentKind, year: FinancialYear, sequence: Int) -> String {
        InvoiceNumber.format(prefix: prefix(for: kind), year: year, sequence: sequence)
    }

    /// Reads `kind=PREFIX` pairs separated by commas; every problem is listed at once.
    public static func parse(_ text: String) -> Result<DocumentSeries, DocumentSeriesError> {
        var given: [DocumentKind: String] = [:]
        var problems: [String] = []
        for pair in text.split(separator: ",").map({ $0.trimmedSpaces() }) where !pair.isEmpty {
            let kv = pair.split(separator: "=", maxSplits: 1).map { String($0).trimmedSpaces() }
            guard kv.count == 2, let kind = DocumentKind(rawValue: kv[0]) else {
                problems.append("'\(pair)' is not kind=PREFIX with kind one of \(DocumentKind.allCases.map(\.rawValue).joined(separator: ", "))")
                continue
            }
            let prefix = kv[1]
            guard (1...3).contains(prefix.count), prefix.unicodeScalars.allSatisfy({ ("A"..."Z").contains($0) || ("0"..."9").contains($0) }) else {
                problems.append("prefix '\(prefix)' for \(kind.rawValue) must be 1-3 capital letters or digits (GST allows 16 characters per invoice number: PREFIX/2026-27/0001)")
                continue
            }
            given[kind] = prefix
        }
        let series = DocumentSeries(prefixes: given)
        let byPrefix = Dictionary(grouping: DocumentKind.allCases, by: { series.prefix(for: $0) })
        for (prefix, kinds) in byPrefix.sorted(by: { $0.key < $1.key }) where kinds.count > 1 {
            problems.append("prefix '\(prefix)' is used by \(kinds.map(\.rawValue).sorted().joined(separator: " and ")); each series needs its own")
        }
        return problems.isEmpty ? .success(series) : .failure(DocumentSeriesError(problems: problems))
    }
}

/// Why `DOCUMENT_SERIES` could not be read: one line per problem.
public struct DocumentSeriesError: Error, Sendable, Equatable {
    public var problems: [String]
}

private extension StringProtocol {
    func trimmedSpaces() -> String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}

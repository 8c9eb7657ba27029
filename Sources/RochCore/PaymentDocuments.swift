/// When the business issues its tax invoices (TAX_INVOICE_PER): for each payment as it arrives, or
/// once for each payment milestone when it is paid in full.
public enum TaxInvoicePolicy: String, Sendable, Hashable, CaseIterable {
    case payment
    case milestone
}

/// Which documents a counted payment gives birth to, and the keys that make issuing them idempotent
/// (`documents.source`): a job that runs twice finds what its first run issued.
public struct PaymentDocumentPlan: Sendable, Hashable {
    /// The tax invoice to issue now (nil when the milestone invoice waits for the rest of the money).
    public var invoice: InvoiceToIssue?
    /// The invoice the receipt names and a later credit note reverses (issued now or earlier).
    public var invoiceSource: String
    /// The receipt, numbered with the receipt row's own number.
    public var receiptSource: String

    public struct InvoiceToIssue: Sendable, Hashable {
        public var source: String
        /// GST included: the payment, or the whole milestone.
        public var gross: Money
    }

    /// - `payment`: an invoice for this payment's amount.
    /// - `milestone`: an invoice for the milestone's amount once what was paid covers it.
    public static func forPayment(policy: TaxInvoicePolicy, paymentID: Int64, paymentAmount: Money, receiptID: Int64,
                                  milestoneID: Int64, milestoneAmount: Money, milestonePaid: Money) -> PaymentDocumentPlan {
        let receipt = "receipt:\(receiptID)"
        switch policy {
        case .payment:
            let source = invoiceSource(paymentID: paymentID)
            return PaymentDocumentPlan(invoice: .init(source: source, gross: paymentAmount), invoiceSource: source, receiptSource: receipt)
        case .milestone:
            let source = invoiceSource(milestoneID: milestoneID)
            let due = milestonePaid >= milestoneAmount ? InvoiceToIssue(source: source, gross: milestoneAmount) : nil
            return PaymentDocumentPlan(invoice: due, invoiceSource: source, receiptSource: receipt)
        }
    }

    public static func invoiceSource(paymentID: Int64) -> String { "payment:\(paymentID):tax_invoice" }
    public static func invoiceSource(milestoneID: Int64) -> String { "milestone:\(milestoneID):tax_invoice" }
}

extension GSTState {
    /// The state of a city events are commonly held in (the booking form asks for a city, not a
    /// state); nil for a city not in the list. Place of supply for an unregistered client.
    public static func ofCity(_ city: String) -> GSTState? {
        let key = city.lowercased().filter { $0.isLetter }
        return cityStates[key].flatMap { GSTState(code: $0) }
    }

    static let cityStates: [String: Int] = [
        "bengaluru": 29, "bangalore": 29, "mysuru": 29, "mysore": 29, "mangaluru": 29, "mangalore": 29, "coorg": 29, "hubli": 29,
        "mumbai": 27, "pune": 27, "nagpur": 27, "nashik": 27, "lonavala": 27, "delhi": 7, "newdelhi": 7,
        "gurugram": 6, "gurgaon": 6, "faridabad": 6, "noida": 9, "agra": 9, "lucknow": 9, "varanasi": 9,
        "jaipur": 8, "udaipur": 8, "jodhpur": 8, "jaisalmer": 8, "goa": 30, "panaji": 30,
        "chennai": 33, "coimbatore": 33, "madurai": 33, "ooty": 33, "hyderabad": 36, "secunderabad": 36, "warangal": 36,
        "visakhapatnam": 37, "vizag": 37, "vijayawada": 37, "tirupati": 37, "kochi": 32, "cochin": 32, "thiruvananthapuram": 32,
        "kolkata": 19, "ahmedabad": 24, "surat": 24, "vadodara": 24, "chandigarh": 4, "amritsar": 3, "shimla": 2, "dehradun": 5,
        "rishikesh": 5, "bhopal": 23, "indore": 23, "bhubaneswar": 21, "puducherry": 34, "pondicherry": 34, "patna": 10,
    ]
}

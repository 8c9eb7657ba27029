import RochCore

/// The business as it heads every document (from site/config.yaml's `business` and BUSINESS_GSTIN).
public struct Letterhead: Sendable, Hashable {
    public var name: String
    public var addressLines: [String]
    public var phone: String
    public var email: String
    public var website: String
    public var gstin: String?
    /// The state the business is registered in: decides CGST + SGST against IGST.
    public var state: GSTState

    public init(name: String, addressLines: [String], phone: String, email: String, website: String, gstin: String?, state: GSTState) {
        self.name = name; self.addressLines = addressLines; self.phone = phone; self.email = email
        self.website = website; self.gstin = gstin; self.state = state
    }

    /// Roch Events as site/config.yaml describes it (Bengaluru, Karnataka).
    public static func rochEvents(gstin: String?) -> Letterhead {
        Letterhead(name: "Roch Events", addressLines: ["2nd Floor, 14 Wood Street, Ashok Nagar", "Bengaluru 560025, Karnataka"],
                   phone: "+91 80 4718 2290", email: "hello@rochevents.in", website: "www.rochevents.in", gstin: gstin,
                   state: GSTState(code: 29)!)
    }
}

/// Who a document is addressed to: a client or a vendor.
public struct Party: Sendable, Hashable {
    public var name: String
    public var addressLines: [String]
    public var phone: String?
    public var email: String?
    /// Given only by registered businesses; printed when present.
    public var gstin: String?

    public init(name: String, addressLines: [String] = [], phone: String? = nil, email: String? = nil, gstin: String? = nil) {
        self.name = name; self.addressLines = addressLines; self.phone = phone; self.email = email; self.gstin = gstin
    }
}

/// A document laid out as blocks the renderer draws in order: what every kind of document is made of.
public struct PrintedDocument: Sendable {
    public enum Alignment: Sendable { case left, right }

    public struct Column: Sendable {
        public var title: String
        /// Share of the table's width.
        public var weight: Double
        public var alignment: Alignment
        public init(_ title: String, weight: Double, _ alignment: Alignment = .left) { self.title = title; self.weight = weight; self.alignment = alignment }
    }

    public struct Line: Sendable {
        public var label: String
        public var value: String
        public var emphasised: Bool
        public init(_ label: String, _ value: String, emphasised: Bool = false) { self.label = label; self.value = value; self.emphasised = emphasised }
    }

    public var kind: DocumentKind
    public var title: String
    public var number: String
    public var letterhead: Letterhead
    /// "Billed to", "Received from", "Paid to".
    public var partyHeading: String
    public var party: Party
    /// The right-hand column beside the party: date, place of supply, references.
    public var details: [Line]
    public var columns: [Column]
    public var rows: [[String]]
    public var totals: [Line]
    public var amountInWords: String?
    /// Further sections (payment plan, terms): a heading and its lines.
    public var sections: [(heading: String, lines: [String])]
    public var footer: [String]
    /// For the PDF's metadata: ISO 8601 with offset, e.g. "2026-12-04T10:30:00+05:30".
    public var createdAt: String

    public init(kind: DocumentKind, title: String, number: String, letterhead: Letterhead, partyHeading: String, party: Party, details: [Line],
                columns: [Column], rows: [[String]], totals: [Line], amountInWords: String?, sections: [(heading: String, lines: [String])] = [],
                footer: [String], createdAt: String) {
        self.kind = kind; self.title = title; self.number = number; self.letterhead = letterhead; self.partyHeading = partyHeading
        self.party = party; self.details = details; self.columns = columns; self.rows = rows; self.totals = totals
        self.amountInWords = amountInWords; self.sections = sections; self.footer = footer; self.createdAt = createdAt
    }
}

enum PrintFormat {
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// "4 Dec 2026".
    static func date(_ day: CalendarDay) -> String { "\(day.day) \(months[day.month - 1]) \(day.year)" }

    /// "9%", "2.5%" or "0.25%" from basis points.
    static func rate(_ basisPoints: Int64) -> String {
        let whole = basisPoints / 100, fraction = basisPoints % 100
        if fraction == 0 { return "\(whole)%" }
        if fraction % 10 == 0 { return "\(whole).\(fraction / 10)%" }
        return "\(whole).\(fraction < 10 ? "0" : "")\(fraction)%"
    }

    /// Amounts as printed in tables: "₹1,25,000.00" (always with paise); credit notes print magnitudes.
    static func money(_ m: Money) -> String { m.inrWithPaise }
}

/// An Indian financial year, 1 April to 31 March, written "2026-27".
public struct FinancialYear: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The calendar year in which it starts (April).
    public let startYear: Int

    public init(startYear: Int) { self.startYear = startYear }

    /// The financial year a day belongs to: April onwards is the year starting that April.
    public static func containing(_ day: CalendarDay) -> FinancialYear {
        FinancialYear(startYear: day.month >= 4 ? day.year : day.year - 1)
    }

    /// Parses "2026-27"; nil unless the second part is the year after the first.
    public init?(label: String) {
        let parts = label.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2,
              parts.allSatisfy({ $0.allSatisfy(\.isASCIIDigit) }),
              let start = Int(parts[0]), let end = Int(parts[1]), (start + 1) % 100 == end else { return nil }
        startYear = start
    }

    /// "2026-27".
    public var label: String {
        let end = (startYear + 1) % 100
        return "\(startYear)-\(end < 10 ? "0" : "")\(end)"
    }

    public var description: String { label }
    public var firstDay: CalendarDay { CalendarDay(year: startYear, month: 4, day: 1)! }
    public var lastDay: CalendarDay { CalendarDay(year: startYear + 1, month: 3, day: 31)! }

    public static func < (lhs: FinancialYear, rhs: FinancialYear) -> Bool { lhs.startYear < rhs.startYear }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = FinancialYear(label: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "'\(text)' is not a financial year like 2026-27"))
        }
        self = value
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(label)
    }
}

/// Gap-free document numbers per financial year, e.g. "RE/2026-27/0001". The sequence itself
/// comes from the store (one counter per prefix and year, taken inside the issuing transaction).
public enum InvoiceNumber {
    /// "RE/2026-27/0001": at least four digits, more when the sequence needs them.
    public static func format(prefix: String, year: FinancialYear, sequence: Int) -> String {
        precondition(sequence >= 1, "document sequences start at 1")
        let digits = String(sequence)
        return "\(prefix)/\(year.label)/\(String(repeating: "0", count: max(0, 4 - digits.count)))\(digits)"
    }

    /// The parts of a number made by `format`, or nil.
    public static func parse(_ text: String) -> (prefix: String, year: FinancialYear, sequence: Int)? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, let year = FinancialYear(label: String(parts[1])),
              parts[2].count >= 4, parts[2].allSatisfy(\.isASCIIDigit), let sequence = Int(parts[2]), sequence >= 1,
              format(prefix: String(parts[0]), year: year, sequence: sequence) == text else { return nil }
        return (String(parts[0]), year, sequence)
    }
}

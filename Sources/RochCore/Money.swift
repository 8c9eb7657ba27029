import Foundation

/// An amount of Indian rupees held exactly as Int64 paise; no floating point anywhere.
/// Arithmetic traps on overflow (about ₹9.2 × 10¹⁶ is far beyond any booking).
/// Codable as a bare integer of paise (like the `bigint` columns and Razorpay's `amount`).
public struct Money: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var paise: Int64

    public init(paise: Int64) { self.paise = paise }

    public init(from decoder: Decoder) throws {
        paise = try decoder.singleValueContainer().decode(Int64.self)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(paise)
    }

    /// Whole rupees.
    public init(rupees: Int64) { self.paise = rupees * 100 }

    public static let zero = Money(paise: 0)

    public var isNegative: Bool { paise < 0 }

    public static func + (lhs: Money, rhs: Money) -> Money { Money(paise: lhs.paise + rhs.paise) }
    public static func - (lhs: Money, rhs: Money) -> Money { Money(paise: lhs.paise - rhs.paise) }
    public static prefix func - (value: Money) -> Money { Money(paise: -value.paise) }
    public static func * (lhs: Money, rhs: Int64) -> Money { Money(paise: lhs.paise * rhs) }
    public static func += (lhs: inout Money, rhs: Money) { lhs = lhs + rhs }
    public static func -= (lhs: inout Money, rhs: Money) { lhs = lhs - rhs }
    public static func < (lhs: Money, rhs: Money) -> Bool { lhs.paise < rhs.paise }

    /// `basisPoints`/10,000 of this amount (1800 bp = 18%), rounded to the nearest paisa,
    /// halves away from zero. Exact for every Int64 input (no intermediate overflow).
    public func percent(basisPoints: Int64) -> Money {
        Money(paise: Money.roundedQuotient(paise, times: basisPoints, dividedBy: 10_000))
    }

    /// Splits the amount into `parts` shares that differ by at most one paisa and sum exactly
    /// to it; the earlier shares get the extra paise.
    public func split(into parts: Int) -> [Money] {
        precondition(parts > 0, "split(into:) needs at least one part")
        let count = Int64(parts)
        let base = paise / count, extra = paise % count
        return (0..<count).map { Money(paise: base + ($0 < abs(extra) ? extra.signum() : 0)) }
    }

    public var description: String { inr }

    /// Indian format with lakh/crore grouping: "₹1,25,000", "₹1,25,000.50", "-₹2,500".
    /// Paise are shown only when not zero.
    public var inr: String { format(alwaysShowPaise: false) }

    /// As a form field takes it back: "125000", "125000.50", "-12.05" (no symbol, no grouping;
    /// paise only when not zero).
    public var editableRupees: String {
        let sign = paise < 0 ? "-" : "", p = paise.magnitude
        return p % 100 == 0 ? "\(sign)\(p / 100)" : "\(sign)\(p / 100).\(p % 100 < 10 ? "0" : "")\(p % 100)"
    }

    /// Indian format that always shows paise: "₹1,25,000.00".
    public var inrWithPaise: String { format(alwaysShowPaise: true) }

    private func format(alwaysShowPaise: Bool) -> String {
        let magnitude = paise.magnitude
        let rupees = magnitude / 100, fraction = magnitude % 100
        var text = "₹" + Money.groupIndian(String(rupees))
        if alwaysShowPaise || fraction != 0 {
            text += "." + (fraction < 10 ? "0" : "") + String(fraction)
        }
        return paise < 0 ? "-" + text : text
    }

    /// "12500000" -> "1,25,00,000": last three digits, then groups of two.
    static func groupIndian(_ digits: String) -> String {
        guard digits.count > 3 else { return digits }
        var head = Array(digits.dropLast(3))
        var groups = [String(digits.suffix(3))]
        while !head.isEmpty {
            groups.insert(String(head.suffix(2)), at: 0)
            head.removeLast(min(2, head.count))
        }
        return groups.joined(separator: ",")
    }

    /// round(a × b / d), halves away from zero, computed at double width so it never overflows
    /// in the middle; traps only if the result itself does not fit in Int64. `d` must be > 0.
    static func roundedQuotient(_ a: Int64, times b: Int64, dividedBy d: Int64) -> Int64 {
        precondition(d > 0, "divisor must be positive")
        let negative = (a < 0) != (b < 0)
        let product = a.magnitude.multipliedFullWidth(by: b.magnitude)
        let (quotient, remainder) = d.magnitude.dividingFullWidth(product)
        var result = quotient
        if remainder >= d.magnitude - remainder { result += 1 } // remainder ≥ d/2
        guard let signed = negative ? (result == UInt64(Int64.max) + 1 ? Int64.min : Int64(exactly: result).map { -$0 })
                                    : Int64(exactly: result) else {
            preconditionFailure("amount out of range")
        }
        return signed
    }
}

/// Why a typed rupee amount could not be read.
public enum MoneyParseError: Error, Sendable, Equatable, CustomStringConvertible {
    case empty
    case invalidCharacter(Character)
    case misplacedComma
    case tooManyDecimalPlaces
    case tooLarge

    public var message: String {
        switch self {
        case .empty: return "Enter an amount in rupees, e.g. 1,25,000 or 125000.50"
        case .invalidCharacter(let c): return "'\(c)' is not allowed in an amount; use digits, commas and a decimal point, e.g. 1,25,000.50"
        case .misplacedComma: return "The commas are in the wrong places; write e.g. 1,25,000 or 125000"
        case .tooManyDecimalPlaces: return "Amounts have at most two decimal places (paise), e.g. 125000.50"
        case .tooLarge: return "That amount is too large"
        }
    }

    public var description: String { message }
}

extension Money {
    /// Reads rupees as people type them: "1,25,000", "125000.50", "₹ 1,25,000.5", "Rs. 500",
    /// "-250". Commas must follow Indian (1,25,000) or international (125,000) grouping.
    public static func parseRupees(_ text: String) throws -> Money {
        var rest = Substring(text.trimmingCharacters(in: .whitespacesAndNewlines))
        var negative = false
        if rest.hasPrefix("-") { negative = true; rest = rest.dropFirst() }
        for prefix in ["₹", "Rs.", "Rs", "INR"] where rest.hasPrefix(prefix) {
            rest = rest.dropFirst(prefix.count)
            break
        }
        rest = Substring(rest.trimmingCharacters(in: .whitespaces))
        if !negative, rest.hasPrefix("-") { negative = true; rest = rest.dropFirst() }
        guard !rest.isEmpty else { throw MoneyParseError.empty }
        let pieces = rest.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let whole = pieces[0], fraction = pieces.count > 1 ? pieces[1] : ""
        for c in whole where !(c.isASCIIDigit || c == ",") { throw MoneyParseError.invalidCharacter(c) }
        for c in fraction where !c.isASCIIDigit { throw MoneyParseError.invalidCharacter(c) }
        guard !whole.isEmpty || !fraction.isEmpty else { throw MoneyParseError.empty }
        if whole.contains(",") {
            let groups = whole.split(separator: ",", omittingEmptySubsequences: false).map(\.count)
            let last = groups.last!, first = groups.first!, middle = groups.dropFirst().dropLast()
            let indian = last == 3 && middle.allSatisfy { $0 == 2 } && (1...2).contains(first)
            let international = last == 3 && middle.allSatisfy { $0 == 3 } && (1...3).contains(first)
            guard groups.count >= 2, indian || international else { throw MoneyParseError.misplacedComma }
        }
        guard fraction.count <= 2 else { throw MoneyParseError.tooManyDecimalPlaces }
        var paise: Int64 = 0
        for c in whole where c != "," {
            let (timesTen, o1) = paise.multipliedReportingOverflow(by: 10)
            let (next, o2) = timesTen.addingReportingOverflow(Int64(c.wholeNumberValue!))
            guard !o1, !o2 else { throw MoneyParseError.tooLarge }
            paise = next
        }
        let cents = Int64((fraction + String(repeating: "0", count: 2 - fraction.count)))!
        let (scaled, o3) = paise.multipliedReportingOverflow(by: 100)
        let (total, o4) = scaled.addingReportingOverflow(cents)
        guard !o3, !o4 else { throw MoneyParseError.tooLarge }
        return Money(paise: negative ? -total : total)
    }
}

/// Goods and Services Tax arithmetic on exact paise (rates in basis points: 1800 = 18%).
public enum GST {
    /// Event management services in India: 18%.
    public static let standardRateBasisPoints: Int64 = 1_800

    /// Adds tax to a net amount: tax = round(net × rate), gross = net + tax.
    public static func add(net: Money, rateBasisPoints: Int64 = standardRateBasisPoints) -> GSTBreakdown {
        precondition(rateBasisPoints >= 0, "GST rate cannot be negative")
        let tax = net.percent(basisPoints: rateBasisPoints)
        return GSTBreakdown(net: net, tax: tax, gross: net + tax, rateBasisPoints: rateBasisPoints)
    }

    /// Splits a tax-inclusive amount: net = round(gross ÷ (1 + rate)), tax = gross − net,
    /// so net + tax is always exactly the gross.
    public static func split(gross: Money, rateBasisPoints: Int64 = standardRateBasisPoints) -> GSTBreakdown {
        precondition(rateBasisPoints >= 0, "GST rate cannot be negative")
        let net = Money(paise: Money.roundedQuotient(gross.paise, times: 10_000, dividedBy: 10_000 + rateBasisPoints))
        return GSTBreakdown(net: net, tax: gross - net, gross: gross, rateBasisPoints: rateBasisPoints)
    }
}

/// Net amount, tax and gross (net + tax == gross always), with the intra-state halves.
public struct GSTBreakdown: Sendable, Hashable, Codable {
    public let net: Money
    public let tax: Money
    public let gross: Money
    public let rateBasisPoints: Int64

    /// Central GST for an intra-state supply: half the tax, rounded down to the paisa.
    public var cgst: Money { Money(paise: tax.paise / 2) }
    /// State GST: the rest of the tax, so cgst + sgst == tax exactly.
    public var sgst: Money { tax - cgst }
}

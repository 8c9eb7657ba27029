/// Rupee amounts in words with Indian numbering (thousand, lakh, crore), as tax invoices print them:
/// "Rupees One Lakh Twenty-Three Thousand Four Hundred Fifty-Six and Seventy Paise Only".
public enum AmountInWords {
    /// Whole rupees and paise in words; "Rupees Zero Only" for nothing, "Fifty Paise Only" without
    /// rupees, "Minus " before a negative amount (a credit note's total).
    public static func rupees(_ amount: Money) -> String {
        let magnitude = amount.paise.magnitude
        let rupees = magnitude / 100, paise = magnitude % 100
        var text: String
        if rupees == 0 && paise != 0 {
            text = "\(words(paise)) Paise Only"
        } else {
            text = "Rupees \(words(rupees))"
            if paise != 0 { text += " and \(words(paise)) Paise" }
            text += " Only"
        }
        return amount.paise < 0 ? "Minus " + text : text
    }

    /// A whole number in words, Indian style: 10,00,00,000 is "Ten Crore"; crores above 99 are
    /// themselves counted in lakh and thousand ("One Lakh Crore").
    public static func words(_ n: UInt64) -> String {
        if n == 0 { return "Zero" }
        var parts: [String] = []
        let crore = n / 1_00_00_000, belowCrore = n % 1_00_00_000
        if crore > 0 { parts.append(words(crore) + " Crore") }
        let lakh = belowCrore / 1_00_000, thousand = belowCrore / 1_000 % 100, hundred = belowCrore / 100 % 10, rest = belowCrore % 100
        if lakh > 0 { parts.append(belowHundred(lakh) + " Lakh") }
        if thousand > 0 { parts.append(belowHundred(thousand) + " Thousand") }
        if hundred > 0 { parts.append(ones[Int(hundred)] + " Hundred") }
        if rest > 0 { parts.append(belowHundred(rest)) }
        return parts.joined(separator: " ")
    }

    /// 1-99: "Seven", "Nineteen", "Forty", "Fifty-Six".
    static func belowHundred(_ n: UInt64) -> String {
        precondition(n < 100)
        if n < 20 { return ones[Int(n)] }
        let t = tens[Int(n / 10)]
        return n % 10 == 0 ? t : "\(t)-\(ones[Int(n % 10)])"
    }

    private static let ones = ["Zero", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten", "Eleven", "Twelve",
                               "Thirteen", "Fourteen", "Fifteen", "Sixteen", "Seventeen", "Eighteen", "Nineteen"]
    private static let tens = ["", "", "Twenty", "Thirty", "Forty", "Fifty", "Sixty", "Seventy", "Eighty", "Ninety"]
}

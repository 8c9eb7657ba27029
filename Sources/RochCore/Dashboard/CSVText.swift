/// CSV as the accountant's spreadsheet reads it (RFC 4180), with amounts as plain rupees.
public enum CSVText {
    /// Quoted when it holds a comma, quote or line break; a leading = + - @ is prefixed with a
    /// quote mark so a spreadsheet never runs a name as a formula.
    public static func field(_ text: String) -> String {
        var t = text
        if let first = t.first, "=+-@\t\r".contains(first), !isPlainNumber(t) { t = "'" + t }
        guard t.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return t }
        return "\"" + t.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// ₹1,25,000.50 -> "125000.50"; negative "-12.05".
    public static func rupees(_ m: Money) -> String {
        let sign = m.paise < 0 ? "-" : ""
        let p = m.paise.magnitude
        let paise = p % 100
        return "\(sign)\(p / 100).\(paise < 10 ? "0" : "")\(paise)"
    }

    /// "-12.05", "+3": a signed decimal a spreadsheet reads as a number, not a formula.
    static func isPlainNumber(_ t: String) -> Bool {
        let body = t.drop { $0 == "-" || $0 == "+" }
        guard t.count - body.count == 1, !body.isEmpty, body.filter({ $0 == "." }).count <= 1 else { return false }
        return body.allSatisfy { $0.isASCII && ($0.isNumber || $0 == ".") } && body.first != "." && body.last != "."
    }
}

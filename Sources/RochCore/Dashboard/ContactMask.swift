/// A client's phone or email as staff who are not the owner see it in the notification log:
/// enough to tell two people apart, not enough to copy the number.
public enum ContactMask {
    /// "+919876500001" -> "+91 ••••••0001"; fewer than 6 digits are hidden completely.
    public static func phone(_ phone: String) -> String {
        let digits = phone.filter(\.isNumber)
        guard digits.count >= 6 else { return String(repeating: "•", count: max(4, digits.count)) }
        let hasCountry = phone.hasPrefix("+") && digits.count > 10
        let country = hasCountry ? "+" + digits.prefix(digits.count - 10) + " " : ""
        let national = hasCountry ? digits.suffix(10) : Substring(digits)
        return country + String(repeating: "•", count: national.count - 4) + national.suffix(4)
    }

    /// "ananya.rao@example.com" -> "a•••@example.com".
    public static func email(_ email: String) -> String {
        guard let at = email.firstIndex(of: "@"), at > email.startIndex else { return "•••" }
        return String(email[email.startIndex]) + "•••" + email[at...]
    }

    /// A message's address: an email if it has an @, else a phone.
    public static func address(_ address: String) -> String {
        address.contains("@") ? email(address) : phone(address)
    }
}

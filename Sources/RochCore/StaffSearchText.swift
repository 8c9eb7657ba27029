/// What the team typed in the bookings search box, read the three ways it can mean something:
/// words of the client's name, the start of a booking's public id, or (part of) a phone number.
public struct StaffSearchText: Sendable, Equatable {
    /// Longest text looked at; a client's name is at most 100 characters.
    public static let maximumLength = 100
    /// Fewest digits read as a phone number ("0001", the last four digits, is a common search).
    public static let minimumPhoneDigits = 4

    /// The cleaned text: control characters removed, white space collapsed, at most 100 characters.
    public let text: String
    /// Every word must occur in the client's name (any order, any case); at most six are kept.
    public let nameWords: [String]
    /// A booking public id starts with this (ids are lower case, so it is lower-cased).
    public let idPrefix: String
    /// The digits of a phone number or of part of one, when the text is only digits and phone punctuation.
    public let phoneDigits: String?
    /// The whole number in E.164 when the text is a complete phone number in any spelling
    /// ("098765 00001", "+91 98765-00001", "0091 9876500001").
    public let phoneE164: String?

    /// Nil when nothing is left to search for (empty, only spaces or control characters).
    public init?(_ raw: String) {
        var cleaned = ""
        var pendingSpace = false
        for scalar in raw.unicodeScalars {
            if scalar.properties.generalCategory == .control || scalar.properties.generalCategory == .format
                || scalar.properties.isWhitespace {
                // Control characters (NUL above all: PostgreSQL refuses it in text) and white space
                // separate words; runs collapse to one space.
                pendingSpace = !cleaned.isEmpty
                continue
            }
            if pendingSpace { cleaned.unicodeScalars.append(" "); pendingSpace = false }
            cleaned.unicodeScalars.append(scalar)
        }
        cleaned = String(cleaned.prefix(Self.maximumLength))
        while cleaned.hasSuffix(" ") { cleaned.removeLast() }
        guard !cleaned.isEmpty else { return nil }
        text = cleaned
        nameWords = Array(cleaned.split(separator: " ").prefix(6).map(String.init))
        idPrefix = cleaned.lowercased()

        let phonePunctuation: Set<Character> = ["+", " ", "-", ".", "(", ")"]
        let digits = cleaned.filter(\.isASCIIDigit)
        if cleaned.allSatisfy({ $0.isASCIIDigit || phonePunctuation.contains($0) }), digits.count >= Self.minimumPhoneDigits {
            phoneDigits = digits
            phoneE164 = (try? PhoneNumber.parse(cleaned))?.e164
        } else {
            phoneDigits = nil
            phoneE164 = nil
        }
    }
}

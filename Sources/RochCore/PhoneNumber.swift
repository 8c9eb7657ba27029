import Foundation

/// A phone number in E.164 form ("+919876543210"), parsed leniently from what people type.
public struct PhoneNumber: Sendable, Hashable, Codable, CustomStringConvertible {
    /// "+" followed by 8 to 15 digits, country code first.
    public let e164: String

    /// Accepts only an already-normalised E.164 string; use `parse` for user input.
    public init?(e164: String) {
        guard e164.first == "+" else { return nil }
        let digits = e164.dropFirst()
        guard (8...15).contains(digits.count), digits.allSatisfy(\.isASCIIDigit), digits.first != "0" else { return nil }
        if digits.hasPrefix("91"), !PhoneNumber.isIndianMobile(digits.dropFirst(2)) { return nil }
        self.e164 = e164
    }

    /// WhatsApp's `wa_id`: the E.164 digits without the "+".
    public var waID: String { String(e164.dropFirst()) }

    public var description: String { e164 }

    /// Parses what a visitor types. Spaces, dashes, dots and brackets are ignored.
    /// - With a leading "+" or "00": an international number, 8-15 digits in all; "+91" numbers
    ///   must also be valid Indian mobiles.
    /// - Otherwise, for India (`defaultCountry` "91"): 10 digits starting 6-9, optionally
    ///   prefixed by "91" or "0". For another default country the digits are taken as the
    ///   national number (a leading "0" trunk prefix dropped) and the whole must be 8-15 digits.
    public static func parse(_ text: String, defaultCountry: String = "91") throws -> PhoneNumber {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw PhoneNumberError.empty }
        var digits = ""
        var sawPlus = false
        for character in trimmed {
            if character.isASCIIDigit {
                digits.append(character)
            } else if character == "+", digits.isEmpty, !sawPlus {
                sawPlus = true
            } else if " -.()\u{00A0}".contains(character) {
                continue
            } else {
                throw PhoneNumberError.invalidCharacters
            }
        }
        var international = sawPlus
        if !international, digits.hasPrefix("00") {
            international = true
            digits.removeFirst(2)
        }
        if international {
            if digits.hasPrefix("91") {
                let national = digits.dropFirst(2)
                try checkIndianMobile(national)
                return PhoneNumber(validated: "+91" + national)
            }
            guard (8...15).contains(digits.count), digits.first != "0" else { throw PhoneNumberError.internationalLength }
            return PhoneNumber(validated: "+" + digits)
        }
        if defaultCountry == "91" {
            var national = Substring(digits)
            if national.count == 12, national.hasPrefix("91") { national = national.dropFirst(2) }
            else if national.count == 11, national.hasPrefix("0") { national = national.dropFirst(1) }
            try checkIndianMobile(national)
            return PhoneNumber(validated: "+91" + national)
        }
        var national = Substring(digits)
        while national.hasPrefix("0") { national = national.dropFirst() }
        let full = defaultCountry + national
        guard (8...15).contains(full.count), defaultCountry.allSatisfy(\.isASCIIDigit), !defaultCountry.isEmpty else {
            throw PhoneNumberError.internationalLength
        }
        return PhoneNumber(validated: "+" + full)
    }

    private init(validated: String) { e164 = validated }

    static func isIndianMobile<S: StringProtocol>(_ national: S) -> Bool {
        national.count == 10 && national.allSatisfy(\.isASCIIDigit) && "6789".contains(national.first!)
    }

    private static func checkIndianMobile<S: StringProtocol>(_ national: S) throws {
        guard national.count == 10 else { throw PhoneNumberError.indianLength }
        guard "6789".contains(national.first!) else { throw PhoneNumberError.indianPrefix }
    }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = PhoneNumber(e164: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "'\(text)' is not an E.164 phone number"))
        }
        self = value
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(e164)
    }
}

/// Why a phone number was not accepted, in words for the person typing it.
public enum PhoneNumberError: Error, Sendable, Equatable, CustomStringConvertible {
    case empty
    case invalidCharacters
    case indianLength
    case indianPrefix
    case internationalLength

    public var message: String {
        switch self {
        case .empty: return "Enter your mobile number, e.g. 98765 43210"
        case .invalidCharacters: return "Use only digits, spaces and dashes (and + for the country code), e.g. 98765 43210"
        case .indianLength: return "Enter a 10-digit mobile number, e.g. 98765 43210"
        case .indianPrefix: return "Indian mobile numbers start with 6, 7, 8 or 9, e.g. 98765 43210"
        case .internationalLength: return "Enter the number with its country code, e.g. +44 20 7946 0958 (8 to 15 digits)"
        }
    }

    public var description: String { message }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) && unicodeScalars.count == 1 }
}

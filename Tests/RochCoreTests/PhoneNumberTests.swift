import Testing
import RochCore

struct PhoneNumberTests {
    @Test(arguments: ["9876543210", "98765 43210", "98765-43210", "+91 98765 43210", "+919876543210",
                      "919876543210", "09876543210", "0091 98765 43210", "(+91) 98765-43210"])
    func indianMobilesInTheUsualShapesNormaliseToE164(input: String) throws {
        let phone = try PhoneNumber.parse(input)
        #expect(phone.e164 == "+919876543210")
        #expect(phone.waID == "919876543210")
    }

    @Test func internationalNumbersNeedAnExplicitCountryCode() throws {
        #expect(try PhoneNumber.parse("+44 20 7946 0958").e164 == "+442079460958")
        #expect(try PhoneNumber.parse("+1 (415) 555-2671").waID == "14155552671")
        #expect(try PhoneNumber.parse("+971 50 123 4567").e164 == "+971501234567")
        #expect(throws: PhoneNumberError.internationalLength) { try PhoneNumber.parse("+1234567") }
        #expect(throws: PhoneNumberError.internationalLength) { try PhoneNumber.parse("+1234567890123456") }
    }

    @Test func badIndianNumbersSayWhatIsWrong() {
        #expect(throws: PhoneNumberError.indianLength) { try PhoneNumber.parse("98765 4321") }
        #expect(throws: PhoneNumberError.indianLength) { try PhoneNumber.parse("+91 98765 432101") }
        #expect(throws: PhoneNumberError.indianPrefix) { try PhoneNumber.parse("58765 43210") }
        #expect(throws: PhoneNumberError.empty) { try PhoneNumber.parse("   ") }
        #expect(throws: PhoneNumberError.invalidCharacters) { try PhoneNumber.parse("98765a43210") }
        #expect(throws: PhoneNumberError.invalidCharacters) { try PhoneNumber.parse("98765+43210") }
        #expect(PhoneNumberError.indianLength.message == "Enter a 10-digit mobile number, e.g. 98765 43210")
    }

    @Test func anotherDefaultCountryPrefixesItsCode() throws {
        #expect(try PhoneNumber.parse("020 7946 0958", defaultCountry: "44").e164 == "+442079460958")
    }

    @Test func e164InitialiserAcceptsOnlyNormalisedNumbers() {
        #expect(PhoneNumber(e164: "+919876543210")?.waID == "919876543210")
        #expect(PhoneNumber(e164: "919876543210") == nil)
        #expect(PhoneNumber(e164: "+91 98765 43210") == nil)
        #expect(PhoneNumber(e164: "+915876543210") == nil)
        #expect(PhoneNumber(e164: "+0123456789") == nil)
    }

    @Test func codableAsTheE164String() throws {
        let data = try JSONEncoder().encode([try PhoneNumber.parse("98765 43210")])
        #expect(String(decoding: data, as: UTF8.self) == #"["+919876543210"]"#)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([PhoneNumber].self, from: Data(#"["12"]"#.utf8)) }
    }
}

import Foundation

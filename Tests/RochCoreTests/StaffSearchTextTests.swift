import RochCore
import Testing

/// How the bookings search box reads what the team typed.
@Suite struct StaffSearchTextTests {
    @Test func wordsAreSplitOnAnyWhiteSpaceAndControlCharacters() throws {
        let text = try #require(StaffSearchText("  Ananya\t\u{0}Rao \n"))
        #expect(text.text == "Ananya Rao" && text.nameWords == ["Ananya", "Rao"] && text.idPrefix == "ananya rao")
        #expect(text.phoneDigits == nil && text.phoneE164 == nil)
    }

    @Test(arguments: ["", "   ", "\u{0}\u{0}", "\t\n\r", "\u{202E}\u{200B}"])
    func nothingToSearchForIsNil(_ raw: String) {
        #expect(StaffSearchText(raw) == nil)
    }

    @Test func phoneNumbersInAnySpellingAreRecognised() throws {
        for spelling in ["+91 98765 00001", "098765-00001", "(98765) 00001", "0091 9876500001", "9876500001"] {
            #expect(StaffSearchText(spelling)?.phoneE164 == "+919876500001", "\(spelling)")
        }
        let partial = try #require(StaffSearchText("98765 0"))
        #expect(partial.phoneDigits == "987650" && partial.phoneE164 == nil, "part of a number is searched as digits")
        #expect(StaffSearchText("123")?.phoneDigits == nil, "three digits are too few to mean a phone")
        #expect(StaffSearchText("Flat 12345")?.phoneDigits == nil, "words are not a phone number")
    }

    @Test func longTextIsCutAndWordsAreCapped() throws {
        let long = try #require(StaffSearchText(String(repeating: "ab ", count: 200)))
        #expect(long.text.count <= StaffSearchText.maximumLength && long.nameWords.count == 6)
    }
}

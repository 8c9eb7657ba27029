import Testing
@testable import RochCore

struct PasswordPolicyTests {
    let policy = PasswordPolicy(commonList: "# most common\npassword1234\n\nQwertyuiop123\n")

    @Test func elevenCharactersAreTooFewAndTwelveAreEnough() {
        #expect(policy.problem(with: "correcthors")?.contains("at least 12") == true)
        #expect(policy.problem(with: "correcthorse") == nil)
    }

    @Test func commonPasswordsAreRefusedWhateverTheirCase() {
        #expect(policy.problem(with: "password1234")?.contains("most common") == true)
        #expect(policy.problem(with: "QWERTYUIOP123")?.contains("most common") == true)
    }

    @Test func commentsAndBlankLinesAreNotPasswords() {
        #expect(policy.common == ["password1234", "qwertyuiop123"])
    }

    @Test func repeatedCharactersAndTheEmailAreRefused() {
        #expect(policy.problem(with: "aaaaaaaaaaaaaaaa") != nil)
        #expect(policy.problem(with: "riyasharma-2026!", email: "riyasharma@rochevents.in")?.contains("email") == true)
    }

    @Test func absurdlyLongPasswordsAreRefused() {
        #expect(policy.problem(with: String(repeating: "ab3", count: 100)) != nil)
    }
}

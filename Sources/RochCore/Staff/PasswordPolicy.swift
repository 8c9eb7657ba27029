import Foundation

/// What makes a staff password acceptable: long enough, not absurdly long, not a well-known one.
public struct PasswordPolicy: Sendable {
    public static let minimumLength = 12
    /// scrypt takes any length; a cap keeps a hostile megabyte "password" from costing us anything.
    public static let maximumLength = 256

    /// Lower-cased passwords that attackers try first (the list ships as site/admin/common-passwords.txt).
    public let common: Set<String>

    public init(common: Set<String>) {
        self.common = Set(common.map { $0.lowercased() })
    }

    /// Parses the list file: one password a line, `#` comments and blank lines ignored.
    public init(commonList text: String) {
        self.init(common: Set(text.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }))
    }

    /// Why `password` is refused for the account `email`, in words a person can act on; nil when it is fine.
    public func problem(with password: String, email: String = "") -> String? {
        let length = password.count
        if length < Self.minimumLength {
            return "Use at least \(Self.minimumLength) characters (yours has \(length)). A few unrelated words make a good one."
        }
        if length > Self.maximumLength { return "Use at most \(Self.maximumLength) characters." }
        let lowered = password.lowercased()
        if common.contains(lowered) { return "That password is on the list of the most common passwords. Choose another." }
        if Set(lowered).count < 4 { return "That password repeats too few characters. Choose another." }
        let local = email.lowercased().split(separator: "@").first.map(String.init) ?? ""
        if !local.isEmpty, local.count >= 4, lowered.contains(local) { return "Do not use your email address in your password." }
        return nil
    }
}

import Crypto
import Foundation

/// Signed, expiring self-service links for vendors: `<assignment id>.<expiry, unix seconds>.<link
/// version>.<HMAC-SHA256, base64url>` signed with VENDOR_LINK_SECRET. Bumping the assignment's
/// link version (or setting link_revoked_at) revokes every link issued before; that check needs
/// the database and is done by `VendorSelfService`.
public struct VendorLinks: Sendable {
    private let secret: [UInt8]

    public init(secret: String) { self.secret = Array(secret.utf8) }

    private var key: SymmetricKey { SymmetricKey(data: secret) }

    /// The claims a valid signature vouches for.
    public struct Claims: Sendable, Equatable {
        public var assignmentID: Int64
        public var expiresAt: Int64
        public var version: Int
    }

    /// Why a token was refused before the database was asked.
    public enum Refusal: Error, Sendable, Equatable {
        /// Not a token we could have issued, or the signature does not match.
        case tampered
        /// Genuine but past its expiry.
        case expired(assignmentID: Int64)
    }

    public func token(assignmentID: Int64, version: Int, expiresAt: Date) -> String {
        let payload = "\(assignmentID).\(Int64(expiresAt.timeIntervalSince1970.rounded(.down))).\(version)"
        return payload + "." + Self.base64URL(mac("link|" + payload))
    }

    /// `<site>/api/vendor/<token>`.
    public func url(siteURL: String, assignmentID: Int64, version: Int, expiresAt: Date) -> String {
        "\(siteURL)/api/vendor/\(token(assignmentID: assignmentID, version: version, expiresAt: expiresAt))"
    }

    /// Checks the shape and the signature (in constant time), then the expiry.
    public func verify(_ token: String, now: Date = Date()) -> Result<Claims, Refusal> {
        guard token.utf8.count <= 200 else { return .failure(.tampered) }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0...2].allSatisfy({ !$0.isEmpty && $0.count <= 19 && $0.allSatisfy { $0 >= "0" && $0 <= "9" } }),
              let id = Int64(parts[0]), let expires = Int64(parts[1]), let version = Int(parts[2]),
              let signature = Self.decodeBase64URL(String(parts[3])) else { return .failure(.tampered) }
        let payload = parts[0...2].joined(separator: ".")
        guard HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: Data(("link|" + payload).utf8), using: key) else {
            return .failure(.tampered)
        }
        guard Double(expires) > now.timeIntervalSince1970 else { return .failure(.expired(assignmentID: id)) }
        return .success(Claims(assignmentID: id, expiresAt: expires, version: version))
    }

    /// The form's hidden CSRF token: bound to this exact link, so a form from another link (or a
    /// forged cross-site form, which cannot read the page) does not carry a valid one.
    public func csrfToken(for token: String) -> String { Self.base64URL(mac("csrf|" + token)) }

    public func isValidCSRF(_ candidate: String, for token: String) -> Bool {
        guard let bytes = Self.decodeBase64URL(candidate) else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(bytes, authenticating: Data(("csrf|" + token).utf8), using: key)
    }

    private func mac(_ message: String) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Data(message.utf8), using: key))
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decodeBase64URL(_ text: String) -> [UInt8]? {
        guard !text.isEmpty, text.count <= 64,
              text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else { return nil }
        var s = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while s.count % 4 != 0 { s += "=" }
        return Data(base64Encoded: s).map(Array.init)
    }
}

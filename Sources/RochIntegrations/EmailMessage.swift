import Foundation

/// One email to one person: plain text, and HTML when there is a designed version.
public struct EmailMessage: Sendable, Equatable {
    public var to: String
    public var toName: String?
    public var subject: String
    public var text: String
    public var html: String?
    /// The Message-ID to send (with angle brackets); nil for a new random one. A stable id per
    /// outbox row (`Mailer.messageID(forKey:)`) lets a resend after a crash be recognised.
    public var messageID: String?

    public init(to: String, toName: String? = nil, subject: String, text: String, html: String? = nil, messageID: String? = nil) {
        self.to = to
        self.toName = toName
        self.subject = subject
        self.text = text
        self.html = html
        self.messageID = messageID
    }
}

/// A message that could not be built or sent.
public struct MailError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// CR or LF in a header value: refused, never folded into the headers.
        case headerInjection
        case invalidAddress
        case invalidConfiguration
        case network(HTTPClientError.Kind)
        /// The server refused (login denied, recipient rejected, ...).
        case rejected
        /// smtp:// and the server did not offer STARTTLS (or the TLS handshake or certificate
        /// check failed): nothing was sent in clear.
        case tlsUnavailable
    }

    public var kind: Kind
    public var message: String
    /// The last SMTP reply code, when the server answered.
    public var smtpCode: Int?

    public init(kind: Kind, message: String, smtpCode: Int? = nil) {
        self.kind = kind
        self.message = message
        self.smtpCode = smtpCode
    }

    public var description: String { "mail: \(message)" + (smtpCode.map { " (SMTP \($0))" } ?? "") }
}

/// Builds RFC 5322 / MIME messages: CRLF line endings, RFC 2047 encoded headers, base64 bodies.
public enum MailComposer {
    /// The raw message and its Message-ID (with angle brackets).
    public static func compose(_ message: EmailMessage, from: String, fromName: String?, date: Date = Date(),
                               messageID: String? = nil) throws(MailError) -> (data: [UInt8], messageID: String) {
        for (field, value) in [("To", message.to), ("To name", message.toName ?? ""), ("Subject", message.subject),
                               ("From", from), ("From name", fromName ?? ""), ("Message-ID", messageID ?? message.messageID ?? "")] where value.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" }) {
            throw MailError(kind: .headerInjection, message: "\(field) contains a line break")
        }
        try validate(address: message.to)
        try validate(address: from)
        let domain = from.split(separator: "@").last.map(String.init) ?? "localhost"
        let id = messageID ?? message.messageID ?? "<\(UUID().uuidString.lowercased())@\(domain)>"

        var lines: [String] = [
            "Date: \(rfc5322Date(date))",
            "Message-ID: \(id)",
            "From: \(mailbox(from, name: fromName))",
            "To: \(mailbox(message.to, name: message.toName))",
            "Subject: \(encodeHeaderText(message.subject, prefixLength: "Subject: ".count))",
            "MIME-Version: 1.0",
        ]
        if let html = message.html {
            let boundary = "=_roch_\(UUID().uuidString.replacingOccurrences(of: "-", with: ""))"
            lines.append("Content-Type: multipart/alternative;\r\n boundary=\"\(boundary)\"")
            lines.append("")
            lines.append("This is a multi-part message in MIME format.")
            for (type, body) in [("text/plain", message.text), ("text/html", html)] {
                lines.append("--\(boundary)")
                lines.append("Content-Type: \(type); charset=UTF-8")
                lines.append("Content-Transfer-Encoding: base64")
                lines.append("")
                lines += base64Lines(body)
            }
            lines.append("--\(boundary)--")
        } else {
            lines.append("Content-Type: text/plain; charset=UTF-8")
            lines.append("Content-Transfer-Encoding: base64")
            lines.append("")
            lines += base64Lines(message.text)
        }
        return (Array((lines.joined(separator: "\r\n") + "\r\n").utf8), id)
    }

    /// `Wed, 25 Nov 2026 06:33:40 +0000`.
    public static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: 0)
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return formatter.string(from: date)
    }

    /// Plain ASCII stays as it is; anything else becomes RFC 2047 `=?UTF-8?B?...?=` words of at
    /// most 75 characters, split between whole characters and folded onto continuation lines.
    public static func encodeHeaderText(_ text: String, prefixLength: Int = 0) -> String {
        let isPlain = text.unicodeScalars.allSatisfy { $0.isASCII && $0.value >= 0x20 && $0.value < 0x7f }
        if isPlain && !text.contains("=?") && prefixLength + text.utf8.count <= 998 { return text }
        // 75 - "=?UTF-8?B?".count - "?=".count = 63 base64 characters -> at most 45 bytes per word (47 rounds down to 45).
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in text {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count > 45 {
                words.append("=?UTF-8?B?\(Data(chunk).base64EncodedString())?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append("=?UTF-8?B?\(Data(chunk).base64EncodedString())?=") }
        return words.joined(separator: "\r\n ")
    }

    static func mailbox(_ address: String, name: String?) -> String {
        guard let name, !name.isEmpty else { return "<\(address)>" }
        let plain = name.unicodeScalars.allSatisfy { $0.isASCII && $0.value >= 0x20 && $0.value < 0x7f }
        if plain {
            let escaped = name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            return "\"\(escaped)\" <\(address)>"
        }
        return "\(encodeHeaderText(name)) <\(address)>"
    }

    static func base64Lines(_ text: String) -> [String] {
        // Text bodies travel in canonical form: CRLF line endings.
        let canonical = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            .replacingOccurrences(of: "\n", with: "\r\n")
        let encoded = Data(canonical.utf8).base64EncodedString()
        var lines: [String] = []
        var index = encoded.startIndex
        while index < encoded.endIndex {
            let end = encoded.index(index, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex
            lines.append(String(encoded[index..<end]))
            index = end
        }
        return lines
    }

    static func validate(address: String) throws(MailError) {
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
              !address.contains(where: { $0 == " " || $0 == "<" || $0 == ">" || $0 == "," || $0 == ";" || $0 == "\"" || !$0.isASCII }) else {
            throw MailError(kind: .invalidAddress, message: "not a plain email address: \(address)")
        }
    }
}

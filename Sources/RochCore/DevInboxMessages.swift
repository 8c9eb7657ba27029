import Foundation

/// What the dev inbox (`roch serve`'s `/dev/inbox`) shows: each WhatsApp message and email the fake
/// providers accepted, as its recipient would read it. Pure: the page hands in what the fakes report.
public enum DevInboxMessages {
    /// A WhatsApp template message's text as the recipient's phone shows it: the catalogue's body with
    /// the sent parameters in its placeholders' order. Nil for a template the catalogue does not know
    /// (the page then shows the raw parameters).
    public static func whatsAppText(template name: String, parameters: [String],
                                    entries: [NotificationTemplate] = NotificationCatalogue.entries) -> String? {
        guard let template = entries.first(where: { $0.whatsApp.name == name })?.whatsApp else { return nil }
        return TemplateText.segments(template.body).map { segment in
            switch segment {
            case .literal(let text): return text
            case .placeholder(let key):
                guard let i = template.bodyParameterKeys.firstIndex(of: key), i < parameters.count else { return "{{\(key)}}" }
                return parameters[i]
            }
        }.joined()
    }

    /// An email as it reads: the decoded subject, sender, recipient and plain-text body.
    public struct Mail: Sendable, Equatable {
        public var from: String
        public var to: String
        public var subject: String
        public var text: String
    }

    /// Reads a message as MailComposer writes it (RFC 5322 with RFC 2047 headers; a base64 text/plain
    /// body, alone or the first part of multipart/alternative). Anything else shows its raw body.
    public static func mail(_ raw: String) -> Mail {
        // "\r\n" is one Character in Swift, so lines are found after the carriage returns are dropped
        let unix = String(String.UnicodeScalarView(raw.unicodeScalars.filter { $0 != "\r" }))
        let (head, body) = split(unix)
        let headers = unfoldedHeaders(head)
        func header(_ name: String) -> String { headers.first { $0.name.lowercased() == name }?.value ?? "" }
        var text = body
        let contentType = header("content-type")
        if contentType.lowercased().hasPrefix("multipart/"), let boundary = parameter("boundary", of: contentType) {
            let parts = body.components(separatedBy: "--" + boundary).dropFirst()
            if let plain = parts.first(where: { split($0.trimmingLeadingNewlines).head.lowercased().contains("content-type: text/plain") }) {
                let (partHead, partBody) = split(plain.trimmingLeadingNewlines)
                text = decode(partBody, encoding: unfoldedHeaders(partHead).first { $0.name.lowercased() == "content-transfer-encoding" }?.value)
            }
        } else {
            text = decode(body, encoding: header("content-transfer-encoding"))
        }
        return Mail(from: decodeWords(header("from")), to: decodeWords(header("to")), subject: decodeWords(header("subject")),
                    text: String(String.UnicodeScalarView(text.unicodeScalars.filter { $0 != "\r" })))
    }

    /// Text as HTML with every http(s) address a link (escaped; a trailing full stop or bracket stays text).
    public static func linkedHTML(_ text: String) -> String {
        var html = ""
        var rest = Substring(text)
        while let first = [rest.range(of: "http://"), rest.range(of: "https://")].compactMap({ $0 }).min(by: { $0.lowerBound < $1.lowerBound }) {
            html += HTMLText.escape(String(rest[..<first.lowerBound]))
            var url = rest[first.lowerBound...].prefix { !$0.isWhitespace && $0 != "<" && $0 != ">" && $0 != "\"" }
            while let last = url.last, ".,;:!?)]'".contains(last) { url = url.dropLast() }
            let href = HTMLText.escape(String(url))
            html += "<a href=\"\(href)\">\(href)</a>"
            rest = rest[url.endIndex...]
        }
        return (html + HTMLText.escape(String(rest))).replacingOccurrences(of: "\n", with: "<br>\n")
    }

    static func split(_ message: String) -> (head: String, body: String) {
        if let r = message.range(of: "\n\n") { return (String(message[..<r.lowerBound]), String(message[r.upperBound...])) }
        return (message, "")
    }

    static func unfoldedHeaders(_ head: String) -> [(name: String, value: String)] {
        var result: [(name: String, value: String)] = []
        for line in head.components(separatedBy: "\n") {
            if line.first == " " || line.first == "\t", let last = result.popLast() {
                result.append((last.name, last.value + " " + line.trimmingCharacters(in: .whitespaces)))
            } else if let colon = line.firstIndex(of: ":") {
                result.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
            }
        }
        return result
    }

    static func parameter(_ name: String, of value: String) -> String? {
        for item in value.split(separator: ";").dropFirst() {
            let pair = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == name { return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
        }
        return nil
    }

    static func decode(_ body: String, encoding: String?) -> String {
        guard encoding?.lowercased() == "base64" else { return body }
        let compact = body.filter { !$0.isWhitespace }
        guard let data = Data(base64Encoded: compact) else { return body }
        return String(decoding: data, as: UTF8.self)
    }

    /// RFC 2047 `=?UTF-8?B?...?=` words (as MailComposer writes them) decoded; other text as it is.
    static func decodeWords(_ value: String) -> String {
        var out = ""
        var rest = Substring(value)
        var lastWasWord = false
        while let start = rest.range(of: "=?") {
            let between = rest[..<start.lowerBound]
            if !(lastWasWord && between.allSatisfy(\.isWhitespace)) { out += between }
            guard let end = rest[start.upperBound...].range(of: "?=") else { out += rest[start.lowerBound...]; return out }
            let word = rest[start.upperBound..<end.lowerBound].split(separator: "?", omittingEmptySubsequences: false)
            if word.count == 3, word[1].uppercased() == "B", let data = Data(base64Encoded: String(word[2])) {
                out += String(decoding: data, as: UTF8.self)
                lastWasWord = true
            } else {
                out += rest[start.lowerBound..<end.upperBound]
                lastWasWord = false
            }
            rest = rest[end.upperBound...]
        }
        return out + rest
    }
}

extension String {
    fileprivate var trimmingLeadingNewlines: String { String(drop { $0 == "\n" }) }
}

import Foundation

/// The messages one recipient gets for one moment: a WhatsApp template and an email.
public struct NotificationTemplate: Sendable, Equatable, Codable {
    public let moment: NotificationMoment
    public let recipient: RecipientRole
    public let whatsApp: WhatsAppTemplate
    public let email: EmailTemplate

    public init(moment: NotificationMoment, recipient: RecipientRole, whatsApp: WhatsAppTemplate, email: EmailTemplate) {
        self.moment = moment
        self.recipient = recipient
        self.whatsApp = whatsApp
        self.email = email
    }
}

/// A pre-approved WhatsApp Cloud API template. `body` is the approved wording with named
/// `{{key}}` placeholders; Meta sees them as {{1}}, {{2}}... in `bodyParameterKeys` order.
public struct WhatsAppTemplate: Sendable, Equatable, Codable {
    public let name: String
    public let languageCode: String
    public let bodyParameterKeys: [String]
    public let body: String

    public init(name: String, languageCode: String = "en", bodyParameterKeys: [String], body: String) {
        self.name = name
        self.languageCode = languageCode
        self.bodyParameterKeys = bodyParameterKeys
        self.body = body
    }

    /// The body as submitted to Meta for approval: `{{client_name}}` becomes `{{1}}` etc.
    public var approvalText: String {
        TemplateText.segments(body).map { segment in
            switch segment {
            case .literal(let text): return text
            case .placeholder(let key): return "{{\((bodyParameterKeys.firstIndex(of: key) ?? -1) + 1)}}"
            }
        }.joined()
    }
}

/// An email: subject and plain-text body with `{{key}}` placeholders (HTML is derived).
public struct EmailTemplate: Sendable, Equatable, Codable {
    public let subject: String
    public let text: String

    public init(subject: String, text: String) {
        self.subject = subject
        self.text = text
    }
}

/// A message ready to send: WhatsApp template name with ordered parameters, and the email.
public struct RenderedMessage: Sendable, Equatable, Codable {
    public let whatsAppTemplate: String
    public let whatsAppLanguage: String
    public let whatsAppParameters: [String]
    public let emailSubject: String
    public let emailText: String
    public let emailHTML: String

    public init(whatsAppTemplate: String, whatsAppLanguage: String, whatsAppParameters: [String],
                emailSubject: String, emailText: String, emailHTML: String) {
        self.whatsAppTemplate = whatsAppTemplate
        self.whatsAppLanguage = whatsAppLanguage
        self.whatsAppParameters = whatsAppParameters
        self.emailSubject = emailSubject
        self.emailText = emailText
        self.emailHTML = emailHTML
    }
}

/// Why a message could not be rendered.
public enum NotificationRenderError: Error, Sendable, Equatable, CustomStringConvertible {
    case noTemplate(moment: NotificationMoment, recipient: RecipientRole)
    case missingParameter(key: String, moment: NotificationMoment, recipient: RecipientRole)

    public var description: String {
        switch self {
        case .noTemplate(let moment, let recipient):
            return "No message is defined for \(moment.rawValue) to the \(recipient.rawValue)."
        case .missingParameter(let key, let moment, let recipient):
            return "Parameter '\(key)' is missing (or empty) for \(moment.rawValue) to the \(recipient.rawValue)."
        }
    }
}

extension NotificationCatalogue {
    /// The template for a moment and recipient, if the catalogue sends one.
    public static func template(for moment: NotificationMoment, recipient: RecipientRole) -> NotificationTemplate? {
        entries.first { $0.moment == moment && $0.recipient == recipient }
    }

    /// Who receives messages for a moment, in catalogue order.
    public static func recipients(of moment: NotificationMoment) -> [RecipientRole] {
        entries.filter { $0.moment == moment }.map(\.recipient)
    }

    /// Start-up check of the whole catalogue; returns every problem (empty when sound).
    /// (`entries` and `parameters` are arguments only so tests can check broken catalogues.)
    public static func validate(entries: [NotificationTemplate] = NotificationCatalogue.entries,
                                parameters: [NotificationMoment: Set<String>] = NotificationCatalogue.parameters) -> [String] {
        var problems: [String] = []
        var seen = Set<String>()
        for moment in NotificationMoment.allCases where !entries.contains(where: { $0.moment == moment }) {
            problems.append("\(moment.rawValue): no messages defined.")
        }
        for entry in entries {
            let place = "\(entry.moment.rawValue) to \(entry.recipient.rawValue)"
            if !seen.insert(place).inserted { problems.append("\(place): defined twice.") }
            let known = parameters[entry.moment] ?? []
            let wa = entry.whatsApp
            if wa.name.isEmpty || wa.name.count > 512 || !wa.name.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }) {
                problems.append("\(place): WhatsApp template name '\(wa.name)' must be lowercase letters, digits and underscores.")
            }
            if wa.languageCode.isEmpty { problems.append("\(place): WhatsApp template has no language code.") }
            for key in wa.bodyParameterKeys where !known.contains(key) {
                problems.append("\(place): WhatsApp parameter '\(key)' is not a parameter of \(entry.moment.rawValue).")
            }
            if Set(wa.bodyParameterKeys).count != wa.bodyParameterKeys.count {
                problems.append("\(place): WhatsApp parameter keys repeat.")
            }
            if TemplateText.placeholders(wa.body) != wa.bodyParameterKeys {
                problems.append("\(place): WhatsApp body placeholders \(TemplateText.placeholders(wa.body)) differ from its parameter keys \(wa.bodyParameterKeys).")
            }
            if wa.body.count > 1_024 { problems.append("\(place): WhatsApp body is longer than 1,024 characters.") }
            for (label, text) in [("WhatsApp body", wa.body), ("email subject", entry.email.subject), ("email text", entry.email.text)] {
                if let error = TemplateText.syntaxError(text) { problems.append("\(place): \(label): \(error)") }
                for key in TemplateText.placeholders(text) where !known.contains(key) {
                    problems.append("\(place): \(label) uses unknown placeholder {{\(key)}}.")
                }
            }
            if entry.email.subject.contains("\n") { problems.append("\(place): email subject spans lines.") }
        }
        return problems
    }

    /// Fills in the moment's messages for one recipient. Every placeholder used must be present
    /// and non-empty in `parameters`; extra parameters are ignored. WhatsApp parameters have
    /// every run of whitespace (newlines, tabs, long gaps: Meta rejects them) turned into one
    /// space; the HTML email escapes both the
    /// wording and the values.
    public static func render(moment: NotificationMoment, recipient: RecipientRole,
                              parameters: [String: String]) throws -> RenderedMessage {
        guard let entry = template(for: moment, recipient: recipient) else {
            throw NotificationRenderError.noTemplate(moment: moment, recipient: recipient)
        }
        func value(_ key: String) throws -> String {
            guard let text = parameters[key], !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw NotificationRenderError.missingParameter(key: key, moment: moment, recipient: recipient)
            }
            return text
        }
        let whatsApp = try entry.whatsApp.bodyParameterKeys.map { key in
            try value(key).split(whereSeparator: \.isWhitespace).joined(separator: " ")
        }
        func fill(_ text: String, escape: Bool) throws -> String {
            try TemplateText.segments(text).map { segment in
                switch segment {
                case .literal(let literal): return escape ? HTMLText.escape(literal) : literal
                case .placeholder(let key): return escape ? HTMLText.escape(try value(key)) : try value(key)
                }
            }.joined()
        }
        let subject = try fill(entry.email.subject, escape: false)
        let text = try fill(entry.email.text, escape: false)
        let escapedBody = try fill(entry.email.text, escape: true)
        return RenderedMessage(whatsAppTemplate: entry.whatsApp.name, whatsAppLanguage: entry.whatsApp.languageCode,
                               whatsAppParameters: whatsApp, emailSubject: subject, emailText: text,
                               emailHTML: HTMLText.document(title: HTMLText.escape(subject), escapedBody: escapedBody))
    }
}

/// `{{key}}` template text: the one parser used by validation and rendering.
enum TemplateText {
    enum Segment: Equatable { case literal(String), placeholder(String) }

    static func segments(_ text: String) -> [Segment] {
        var result: [Segment] = []
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            if open.lowerBound > rest.startIndex { result.append(.literal(String(rest[..<open.lowerBound]))) }
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                result.append(.literal(String(rest[open.lowerBound...])))
                return result
            }
            result.append(.placeholder(String(rest[open.upperBound..<close.lowerBound])))
            rest = rest[close.upperBound...]
        }
        if !rest.isEmpty { result.append(.literal(String(rest))) }
        return result
    }

    /// Keys in order of first appearance.
    static func placeholders(_ text: String) -> [String] {
        var keys: [String] = []
        for case .placeholder(let key) in segments(text) where !keys.contains(key) { keys.append(key) }
        return keys
    }

    static func syntaxError(_ text: String) -> String? {
        for segment in segments(text) {
            switch segment {
            case .literal(let literal) where literal.contains("{{") || literal.contains("}}"):
                return "unbalanced {{ }}"
            case .placeholder(let key) where key.isEmpty || !key.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }):
                return "placeholder {{\(key)}} must be lowercase letters, digits and underscores"
            default: continue
            }
        }
        return nil
    }
}

/// HTML escaping and the plain wrapper for derived HTML emails.
public enum HTMLText {
    /// Escapes &, <, >, " and ' for text and attribute values.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Blank-line separated paragraphs become <p>, single newlines <br>.
    static func document(title: String, escapedBody: String) -> String {
        let paragraphs = escapedBody.replacingOccurrences(of: "\r\n", with: "\n")
            .components(separatedBy: "\n\n")
            .map { $0.trimmingCharacters(in: .newlines) }
            .filter { !$0.isEmpty }
            .map { "<p>" + $0.replacingOccurrences(of: "\n", with: "<br>\n") + "</p>" }
        return "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>\(title)</title></head>\n"
            + "<body style=\"font-family: Georgia, serif; font-size: 16px; line-height: 1.5; color: #2b2b2b;\">\n"
            + paragraphs.joined(separator: "\n") + "\n</body></html>\n"
    }
}

/// How dates, times and amounts appear in messages (always India time).
public enum NotificationFormat {
    private static let months = ["January", "February", "March", "April", "May", "June", "July",
                                 "August", "September", "October", "November", "December"]
    private static let weekdays = ["Thursday", "Friday", "Saturday", "Sunday", "Monday", "Tuesday", "Wednesday"]

    /// "Sunday, 14 February 2027".
    public static func date(_ day: CalendarDay) -> String {
        let weekday = weekdays[((day.daysSinceEpoch % 7) + 7) % 7]
        return "\(weekday), \(day.day) \(months[day.month - 1]) \(day.year)"
    }

    /// "6:30 pm IST", "12:00 noon IST".
    public static func time(_ time: TimeOfDay) -> String {
        if time.hour == 12 && time.minute == 0 { return "12:00 noon IST" }
        let hour12 = time.hour % 12 == 0 ? 12 : time.hour % 12
        return "\(hour12):\(time.minute < 10 ? "0" : "")\(time.minute) \(time.hour < 12 ? "am" : "pm") IST"
    }

    /// "Sunday, 14 February 2027 at 6:30 pm IST" for an instant.
    public static func dateTime(_ instant: Date) -> String {
        let day = IST.day(of: instant)
        let seconds = Int(instant.timeIntervalSince1970.rounded(.down)) + IST.offsetSeconds - day.daysSinceEpoch * 86_400
        return date(day) + " at " + time(TimeOfDay(hour: seconds / 3_600, minute: (seconds % 3_600) / 60)!)
    }
}

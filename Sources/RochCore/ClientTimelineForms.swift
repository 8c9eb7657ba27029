import Foundation

/// The forms of a booking's client-timeline page: a note the client will read, and a portal link's lifetime.
public enum ClientTimelineForms {
    public static let maximumNoteLength = 1_000
    public static let maximumTitleLength = 100
    public static let linkDays = 1...30

    /// A note as it will appear in the client's portal: a short title and the text.
    public struct Note: Sendable, Equatable {
        public var title: String
        public var body: String
    }

    public static func note(title: String?, body: String?) -> Result<Note, ValidationErrors> {
        var errors: [String: String] = [:]
        let t = (title ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let b = (body ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if t.isEmpty { errors["title"] = "Give the note a short title, e.g. Venue visit booked." }
        else if t.count > maximumTitleLength { errors["title"] = "Keep the title under \(maximumTitleLength) characters." }
        else if t.contains(where: \.isNewline) { errors["title"] = "The title must be on one line." }
        if b.isEmpty { errors["body"] = "Write what the client should know." }
        else if b.count > maximumNoteLength { errors["body"] = "Keep the note under \(maximumNoteLength) characters (it is \(b.count))." }
        guard errors.isEmpty else { return .failure(ValidationErrors(fields: errors)) }
        return .success(Note(title: t, body: b))
    }

    /// How many days a new portal link stays valid.
    public static func linkLifetime(days: String?) -> Result<Int, ValidationErrors> {
        guard let n = Int((days ?? "").trimmingCharacters(in: .whitespaces)), linkDays.contains(n) else {
            return .failure(ValidationErrors(fields: ["days": "Choose between \(linkDays.lowerBound) and \(linkDays.upperBound) days."]))
        }
        return .success(n)
    }
}

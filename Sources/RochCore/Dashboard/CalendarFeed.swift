import Foundation

/// One entry of a staff member's calendar feed: an event (all day, on its date) or a payment due
/// date (all day), each with a stable UID so a phone's calendar updates it instead of adding another.
public struct CalendarFeedEntry: Sendable, Equatable {
    public var uid: String
    public var day: CalendarDay
    public var summary: String
    public var description: String
    public var location: String?
    /// Where the entry is fixed (the booking's staff page).
    public var url: String?

    public init(uid: String, day: CalendarDay, summary: String, description: String, location: String? = nil, url: String? = nil) {
        self.uid = uid
        self.day = day
        self.summary = summary
        self.description = description
        self.location = location
        self.url = url
    }
}

/// An iCalendar (RFC 5545) document of all-day entries: CRLF line ends, lines folded at 75 octets
/// (never inside a UTF-8 character), TEXT values escaped (backslash, semicolon, comma, newline).
public enum CalendarFeed {
    public static func document(name: String, entries: [CalendarFeedEntry], stamp: Date) -> String {
        var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Roch Events//Staff calendar//EN", "CALSCALE:GREGORIAN",
                     "METHOD:PUBLISH", "X-WR-CALNAME:" + text(name), "X-WR-TIMEZONE:Asia/Kolkata"]
        let dtstamp = utc(stamp)
        for e in entries {
            lines += ["BEGIN:VEVENT", "UID:" + text(e.uid), "DTSTAMP:" + dtstamp,
                      "DTSTART;VALUE=DATE:" + basic(e.day), "DTEND;VALUE=DATE:" + basic(e.day.adding(days: 1)),
                      "SUMMARY:" + text(e.summary), "DESCRIPTION:" + text(e.description), "TRANSP:TRANSPARENT"]
            if let l = e.location { lines.append("LOCATION:" + text(l)) }
            if let u = e.url { lines.append("URL:" + u) }
            lines.append("END:VEVENT")
        }
        lines.append("END:VCALENDAR")
        return lines.map(fold).joined(separator: "\r\n") + "\r\n"
    }

    /// RFC 5545 3.3.11 TEXT.
    public static func text(_ s: String) -> String {
        var out = ""
        for ch in s {
            switch ch {
            case "\\": out += "\\\\"
            case ";": out += "\\;"
            case ",": out += "\\,"
            case "\r\n", "\n", "\r": out += "\\n"
            default: out.append(ch)
            }
        }
        return out
    }

    /// RFC 5545 3.1: at most 75 octets a line; a continuation starts with one space.
    public static func fold(_ line: String) -> String {
        var out = "", count = 0
        for ch in line {
            let size = String(ch).utf8.count
            if count + size > 75 {
                out += "\r\n "
                count = 1
            }
            out.append(ch)
            count += size
        }
        return out
    }

    static func basic(_ d: CalendarDay) -> String { d.description.replacingOccurrences(of: "-", with: "") }

    static func utc(_ date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return f.string(from: date)
    }
}

import Foundation
import RochCore

/// Dates in front matter: `2025-02-14`, `2025-02-14T18:30:00+05:30`, `2025-02-14 18:30`.
/// A date without a zone is read in Asia/Kolkata, where the business is.
public enum SiteDate {
    public static func parse(_ text: String) -> Date? {
        let t = text.trimmingCharacters(in: .whitespaces)
        let u = Array(t.utf8)
        func num(_ from: Int, _ len: Int) -> Int? {
            guard from + len <= u.count else { return nil }
            var v = 0
            for b in u[from..<from + len] {
                guard b >= 48 && b <= 57 else { return nil }
                v = v * 10 + Int(b - 48)
            }
            return v
        }
        guard u.count >= 10, let y = num(0, 4), u[4] == 45, let mo = num(5, 2), u[7] == 45, let d = num(8, 2),
              (1...12).contains(mo), (1...31).contains(d) else { return nil }
        var hour = 0, minute = 0, second = 0
        var offset = istOffset
        if u.count > 10 {
            guard u[10] == 84 || u[10] == 32, let h = num(11, 2), u.count >= 16, u[13] == 58, let mi = num(14, 2),
                  h < 24, mi < 60 else { return nil }
            hour = h
            minute = mi
            var i = 16
            if u.count >= 19 && u[16] == 58 {
                guard let sec = num(17, 2), sec < 61 else { return nil }
                second = sec
                i = 19
            }
            if i < u.count && u[i] == 46 { // fractional seconds: ignored
                i += 1
                while i < u.count && u[i] >= 48 && u[i] <= 57 { i += 1 }
            }
            if i < u.count {
                if u[i] == 90 && i == u.count - 1 {
                    offset = 0
                } else if (u[i] == 43 || u[i] == 45), let zh = num(i + 1, 2), zh < 24 {
                    var zm = 0
                    if i + 3 < u.count {
                        let off = u[i + 3] == 58 ? i + 4 : i + 3
                        guard let m = num(off, 2), off + 2 == u.count, m < 60 else { return nil }
                        zm = m
                    } else if i + 3 != u.count { return nil }
                    offset = (zh * 3600 + zm * 60) * (u[i] == 45 ? -1 : 1)
                } else { return nil }
            }
        }
        guard d <= CalendarDay.daysIn(month: mo, year: y) else { return nil } // rejects 2025-02-30
        let days = CalendarDay.daysFromCivil(year: y, month: mo, day: d)
        let seconds = days * 86400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    /// India has one zone and no daylight saving: plain arithmetic, no Calendar (slow on Linux).
    static let istOffset = 19800

    static func parts(_ date: Date, offset: Int) -> (year: Int, month: Int, day: Int, secondOfDay: Int) {
        let t = Int(date.timeIntervalSince1970.rounded(.down)) + offset
        let days = t >= 0 ? t / 86400 : (t - 86399) / 86400
        let c = CalendarDay.civil(fromDays: days)
        return (c.year, c.month, c.day, t - days * 86400)
    }

    /// RFC 3339 in UTC, for Atom feeds and sitemaps.
    public static func rfc3339(_ date: Date) -> String {
        let p = parts(date, offset: 0)
        return pad(p.year, 4) + "-" + pad(p.month) + "-" + pad(p.day) + "T" + pad(p.secondOfDay / 3600) + ":"
            + pad(p.secondOfDay / 60 % 60) + ":" + pad(p.secondOfDay % 60) + "Z"
    }

    static let months = ["January", "February", "March", "April", "May", "June", "July", "August",
                         "September", "October", "November", "December"]

    /// `14 February 2025` in India time, for pages.
    public static func human(_ date: Date) -> String {
        let p = parts(date, offset: istOffset)
        return "\(p.day) \(months[p.month - 1]) \(p.year)"
    }

    /// `2025-02-14` in India time, for `<time datetime>`.
    public static func day(_ date: Date) -> String {
        let p = parts(date, offset: istOffset)
        return pad(p.year, 4) + "-" + pad(p.month) + "-" + pad(p.day)
    }

    /// Zero-padded decimal; `String(format:)` goes through NSString and is slow on Linux.
    static func pad(_ value: Int, _ width: Int = 2) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}

import Foundation

/// Dates in front matter: `2025-02-14`, `2025-02-14T18:30:00+05:30`, `2025-02-14 18:30`.
/// A date without a zone is read in Asia/Kolkata, where the business is.
public enum SiteDate {
    static let ist = TimeZone(identifier: "Asia/Kolkata") ?? TimeZone(secondsFromGMT: 19800)!

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
        var comps = DateComponents(year: y, month: mo, day: d, hour: 0, minute: 0, second: 0)
        var zone = ist
        if u.count > 10 {
            guard u[10] == 84 || u[10] == 32, let h = num(11, 2), u.count >= 16, u[13] == 58, let mi = num(14, 2),
                  h < 24, mi < 60 else { return nil }
            comps.hour = h
            comps.minute = mi
            var i = 16
            if u.count >= 19 && u[16] == 58 {
                guard let s = num(17, 2), s < 61 else { return nil }
                comps.second = s
                i = 19
            }
            if i < u.count && u[i] == 46 { // fractional seconds: ignored
                i += 1
                while i < u.count && u[i] >= 48 && u[i] <= 57 { i += 1 }
            }
            if i < u.count {
                if u[i] == 90 && i == u.count - 1 {
                    zone = TimeZone(secondsFromGMT: 0)!
                } else if (u[i] == 43 || u[i] == 45), let zh = num(i + 1, 2) {
                    var zm = 0
                    if i + 3 < u.count {
                        let off = u[i + 3] == 58 ? i + 4 : i + 3
                        guard let m = num(off, 2), off + 2 == u.count else { return nil }
                        zm = m
                    } else if i + 3 != u.count { return nil }
                    let secs = (zh * 3600 + zm * 60) * (u[i] == 45 ? -1 : 1)
                    guard let z = TimeZone(secondsFromGMT: secs) else { return nil }
                    zone = z
                } else { return nil }
            }
        }
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = zone
        guard let date = cal.date(from: comps),
              cal.component(.day, from: date) == d else { return nil } // rejects 2025-02-30
        return date
    }

    /// RFC 3339 in UTC, for Atom feeds and sitemaps.
    public static func rfc3339(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: date)
    }

    /// `14 February 2025`, for pages.
    public static func human(_ date: Date) -> String {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = ist
        let c = cal.dateComponents([.year, .month, .day], from: date)
        let months = ["January", "February", "March", "April", "May", "June", "July", "August",
                      "September", "October", "November", "December"]
        return "\(c.day!) \(months[c.month! - 1]) \(c.year!)"
    }

    /// `2025-02-14` in India time, for `<time datetime>`.
    public static func day(_ date: Date) -> String {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = ist
        let c = cal.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
    }
}

import Foundation

/// Which backups to keep: the newest of each of the last `daily` days that have one, and the
/// newest of each of the last `weekly` ISO weeks (UTC) before those. Everything else may go.
public struct BackupRetention: Sendable, Equatable {
    public var daily: Int
    public var weekly: Int

    public init(daily: Int, weekly: Int) {
        self.daily = max(1, daily)   // never delete the backup just taken
        self.weekly = max(0, weekly)
    }

    /// The subset of `taken` (backup times) to keep.
    public func keep(_ taken: [Date]) -> Set<Date> {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        var keep: Set<Date> = []
        var days: Set<DateComponents> = []
        var coveredWeeks: Set<DateComponents> = []
        var weeklyKept = 0
        for date in taken.sorted(by: >) {
            let day = calendar.dateComponents([.year, .month, .day], from: date)
            let week = calendar.dateComponents([.yearForWeekOfYear, .weekOfYear], from: date)
            if days.contains(day) { continue }                  // an older backup of a day already kept
            if days.count < daily {
                days.insert(day)
                coveredWeeks.insert(week)                        // a week with a daily backup needs no weekly one
                keep.insert(date)
            } else if weeklyKept < weekly, coveredWeeks.insert(week).inserted {
                weeklyKept += 1
                keep.insert(date)
            }
        }
        return keep
    }
}

/// A month as the weeks of a wall calendar, Monday first: each week seven cells, the days of
/// the neighbouring months left empty (nil).
public enum MonthGrid {
    /// 0 = Monday ... 6 = Sunday (1 January 1970 was a Thursday).
    public static func weekday(_ day: CalendarDay) -> Int {
        ((day.daysSinceEpoch + 3) % 7 + 7) % 7
    }

    public static let weekdayNames = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

    public static func weeks(_ month: CalendarMonth) -> [[CalendarDay?]] {
        var cells: [CalendarDay?] = Array(repeating: nil, count: weekday(month.firstDay))
        var day = month.firstDay
        while day <= month.lastDay {
            cells.append(day)
            day = day.adding(days: 1)
        }
        while cells.count % 7 != 0 { cells.append(nil) }
        return stride(from: 0, to: cells.count, by: 7).map { Array(cells[$0..<$0 + 7]) }
    }
}

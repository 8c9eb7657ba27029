import Foundation
import RochCore
import Testing

@Suite struct BackupRetentionTests {
    let utc: Calendar = { var c = Calendar(identifier: .iso8601); c.timeZone = TimeZone(identifier: "UTC")!; return c }()

    func day(_ y: Int, _ m: Int, _ d: Int, hour: Int = 2) -> Date {
        utc.date(from: DateComponents(year: y, month: m, day: d, hour: hour))!
    }

    @Test func keepsTheNewestBackupOfEachOfTheLastDaysThenOnePerOlderWeek() {
        // nightly backups for five weeks (2026-11-02 is a Monday), plus a second one on the last day
        let nightly = (0..<35).map { day(2026, 11, 2).addingTimeInterval(Double($0) * 86_400) }
        let extra = day(2026, 12, 6, hour: 14)
        let keep = BackupRetention(daily: 7, weekly: 2).keep(nightly + [extra])
        let days = (28..<34).map { nightly[$0] } + [extra]   // six earlier nights + the newest of the last day
        #expect(keep.isSuperset(of: Set(days)))
        #expect(!keep.contains(nightly[34]))                  // the earlier backup of the last day
        // 7 daily cover 2026-11-30 .. 12-06 (one ISO week); the two weeks before keep their Sunday
        #expect(keep.subtracting(days) == [day(2026, 11, 29), day(2026, 11, 22)])
        #expect(keep.count == 9)
    }

    @Test func neverDeletesTheOnlyBackupEvenWhenAskedToKeepNone() {
        let only = day(2026, 12, 4)
        #expect(BackupRetention(daily: 0, weekly: 0).keep([only]) == [only])
    }
}

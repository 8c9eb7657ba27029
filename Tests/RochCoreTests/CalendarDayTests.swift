import Foundation
import Testing
import RochCore

struct CalendarDayTests {
    @Test func parsesOnlyRealDatesInIsoForm() {
        #expect(CalendarDay("2026-11-25") == CalendarDay(year: 2026, month: 11, day: 25))
        #expect(CalendarDay("2028-02-29") != nil)
        #expect(CalendarDay("2026-02-29") == nil)
        #expect(CalendarDay("2100-02-29") == nil)
        #expect(CalendarDay("2000-02-29") != nil)
        #expect(CalendarDay("2026-1-5") == nil)
        #expect(CalendarDay("2026-13-01") == nil)
        #expect(CalendarDay("２026-01-01") == nil)
        #expect(CalendarDay("2026-01-05")!.description == "2026-01-05")
    }

    @Test func dayArithmeticAgreesWithFoundationsGregorianCalendar() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        var rng = SplitMix64(seed: 1)
        for _ in 0..<2_000 {
            let offset = Int.random(in: -40_000...60_000, using: &rng)
            let day = CalendarDay(daysSinceEpoch: offset)
            let date = Date(timeIntervalSince1970: TimeInterval(offset) * 86_400)
            let parts = calendar.dateComponents([.year, .month, .day], from: date)
            #expect(day == CalendarDay(year: parts.year!, month: parts.month!, day: parts.day!))
            #expect(day.daysSinceEpoch == offset)
        }
        #expect(CalendarDay("2026-12-28")!.adding(days: 7) == CalendarDay("2027-01-04"))
        #expect(CalendarDay("2026-03-01")!.adding(days: -1) == CalendarDay("2026-02-28"))
        #expect(CalendarDay("2026-01-01")!.days(until: CalendarDay("2027-01-01")!) == 365)
    }

    @Test func codableAsIsoString() throws {
        let data = try JSONEncoder().encode(["due": CalendarDay("2026-04-01")!])
        #expect(String(decoding: data, as: UTF8.self) == #"{"due":"2026-04-01"}"#)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([CalendarDay].self, from: Data(#"["2026-02-30"]"#.utf8)) }
    }

    @Test func istInstantsAreFiveAndAHalfHoursAheadOfUTC() {
        let instant = IST.instant(CalendarDay("2026-11-25")!, TimeOfDay(hour: 10, minute: 0)!)
        #expect(instant == Date(timeIntervalSince1970: 1_795_564_800 + 10 * 3_600 - 19_800))
        #expect(IST.day(of: Date(timeIntervalSince1970: 1_795_564_800 - 19_800)) == CalendarDay("2026-11-25"))
        #expect(IST.day(of: Date(timeIntervalSince1970: 1_795_564_800 - 19_801)) == CalendarDay("2026-11-24"))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Kolkata")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: instant)
        #expect([parts.year, parts.month, parts.day, parts.hour, parts.minute] == [2026, 11, 25, 10, 0])
    }
}

import Foundation
import RochCore
import Testing

/// The staff calendar feed's iCalendar text (RFC 5545).
@Suite struct CalendarFeedTests {
    let stamp = Date(timeIntervalSince1970: 1_796_400_000)  // 2026-12-04T16:00:00Z

    @Test func anAllDayEventWithItsStableUIDAndEscapedText() {
        let doc = CalendarFeed.document(name: "Riya's Roch events", entries: [
            CalendarFeedEntry(uid: "booking-7@rochevents.in", day: CalendarDay("2027-01-15")!, summary: "Wedding: Ananya Rao, Udaipur",
                              description: "Coordinator: Arjun; balance due\nVenue; lawns", location: "Lake Palace Lawns, Udaipur",
                              url: "https://rochevents.in/admin/bookings/demo"),
        ], stamp: stamp)
        #expect(doc.hasPrefix("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Roch Events//Staff calendar//EN\r\n"))
        #expect(doc.hasSuffix("END:VEVENT\r\nEND:VCALENDAR\r\n"))
        #expect(doc.contains("\r\nUID:booking-7@rochevents.in\r\nDTSTAMP:20261204T160000Z\r\nDTSTART;VALUE=DATE:20270115\r\nDTEND;VALUE=DATE:20270116\r\n"))
        #expect(doc.contains("SUMMARY:Wedding: Ananya Rao\\, Udaipur\r\n"))
        #expect(doc.contains("DESCRIPTION:Coordinator: Arjun\\; balance due\\nVenue\\; lawns\r\n"))
        #expect(!doc.replacingOccurrences(of: "\r\n", with: "").contains("\n"))  // no bare line feeds
    }

    @Test func longLinesFoldAt75OctetsWithoutSplittingACharacter() {
        let line = "SUMMARY:" + String(repeating: "₹", count: 40)  // 8 + 120 octets
        let folded = CalendarFeed.fold(line)
        let parts = folded.components(separatedBy: "\r\n")
        #expect(parts.count == 2 && parts.allSatisfy { $0.utf8.count <= 75 } && parts[1].hasPrefix(" "))
        #expect(parts[0] + parts[1].dropFirst() == line)
        #expect(CalendarFeed.fold("SHORT:x") == "SHORT:x")
    }
}

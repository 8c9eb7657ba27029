import Foundation
import RochCore
import Testing

/// What a staff member's calendar feed holds: whose bookings, which days, and how each entry reads.
@Suite struct StaffCalendarFeedTests {
    @Test func coordinatorsGetTheirOwnBookingsOwnerAndAccountsGetEverything() {
        #expect(CalendarFeedScope.of(role: .coordinator, staffID: 7) == .coordinatedBy(7))
        #expect(CalendarFeedScope.of(role: .owner, staffID: 1) == .all)
        #expect(CalendarFeedScope.of(role: .accounts, staffID: 3) == .all)
    }

    @Test func theWindowIsThirtyDaysBackToEighteenMonthsAhead() {
        let w = StaffCalendarFeed.window(today: CalendarDay("2026-12-04")!)
        #expect(w.from == CalendarDay("2026-11-04")! && w.through == CalendarDay("2028-06-04")!)
        // A day the target month does not have: its last day.
        #expect(StaffCalendarFeed.window(today: CalendarDay("2027-08-31")!).through == CalendarDay("2029-02-28")!)
        #expect(StaffCalendarFeed.window(today: CalendarDay("2026-08-31")!).through == CalendarDay("2028-02-29")!)
    }

    @Test func eventsAndPaymentDueDatesAreSeparateEntriesWithStableUIDs() {
        let event = CalendarFeedEvent(bookingPublicID: "bk1", day: CalendarDay("2027-02-14")!, clientName: "Ananya Rao", eventType: "wedding",
                                      state: .depositPaid, startTime: "18:00", venue: "Lake Palace Lawns", city: "Udaipur", guests: 250,
                                      coordinatorName: "Arjun Mehta")
        let payment = CalendarFeedPayment(milestonePublicID: "ms1", bookingPublicID: "bk1", dueOn: CalendarDay("2027-02-07")!, label: "Balance",
                                          outstanding: Money(paise: 70_000_000), clientName: "Ananya Rao", eventType: "wedding")
        let entries = StaffCalendarFeed.entries(events: [event], payments: [payment], siteURL: "https://rochevents.in")
        #expect(entries.map(\.uid) == ["payment-ms1@rochevents.in", "event-bk1@rochevents.in"])  // by day
        let due = entries[0], wedding = entries[1]
        #expect(due.day == CalendarDay("2027-02-07")! && due.summary == "Payment due: Balance \(Money(paise: 70_000_000).inr), Ananya Rao")
        #expect(due.url == "https://rochevents.in/admin/bookings/bk1")
        #expect(wedding.summary == "Wedding: Ananya Rao (\(BookingState.depositPaid.label))")
        #expect(wedding.location == "Lake Palace Lawns, Udaipur")
        #expect(wedding.description.contains("Coordinator: Arjun Mehta") && wedding.description.contains("Starts: 18:00")
                && wedding.description.contains("Booking: https://rochevents.in/admin/bookings/bk1"))
        // The same booking tomorrow gives the same UID: the phone updates the entry instead of adding one.
        var moved = event
        moved.day = CalendarDay("2027-02-15")!
        #expect(StaffCalendarFeed.entries(events: [moved], payments: [], siteURL: "https://rochevents.in")[0].uid == wedding.uid)
    }

    @Test func anEventWithoutVenueOrCoordinatorSaysSo() {
        let e = CalendarFeedEvent(bookingPublicID: "bk2", day: CalendarDay("2027-03-01")!, clientName: "Dev", eventType: "private_party",
                                  state: .discussion, startTime: nil, venue: nil, city: "Pune", guests: 40, coordinatorName: nil)
        let entry = StaffCalendarFeed.entries(events: [e], payments: [], siteURL: "https://rochevents.in")[0]
        #expect(entry.location == "Pune")
        #expect(entry.description.contains("Venue: to confirm, Pune") && entry.description.contains("Coordinator: none yet")
                && entry.description.contains("Starts: time to agree"))
    }
}

import Foundation
import RochCore
import RochStore
import RochTestSupport
import Testing

/// The staff bookings list: what the search box, the filters and the pages find, and that whatever
/// is typed is matched literally.
@Suite struct StaffBookingSearchTests {
    let c: Connection
    let today = CalendarDay("2026-12-04")!
    var staff: [String: Int64] = [:]

    init() async throws {
        c = try Connection(url: try await TestDatabase.makeMigrated())
        for (name, role, active) in [("Arjun Mehta", "coordinator", true), ("Kavya Iyer", "coordinator", true),
                                     ("Sahil Khan", "accounts", true), ("Dev Patel", "accounts", true),
                                     ("Old Coordinator", "coordinator", false), ("Riya Sharma", "owner", true)] {
            let email = name.lowercased().replacingOccurrences(of: " ", with: ".") + "@rochevents.in"
            staff[name] = try c.query("INSERT INTO staff_users (email, name, role, active) VALUES ($1, $2, $3, $4) RETURNING id",
                                      email, name, role, active).first!.decode("id")
        }
        // (public id, client name, phone, event type, days from today, state, coordinator, enquiry days ago)
        let bookings: [(String, String, String, String, Int, String, String?, Int)] = [
            ("ananyawed0000000000000001", "Ananya Rao", "+919876500001", "wedding", 10, "discussion", "Arjun Mehta", 5),
            ("rohanbday0000000000000002", "Rohan Gupta", "+919812345678", "birthday", 3, "enquiry", nil, 1),
            ("pure000000000000000000003", "100% Pure_Events", "+919900011122", "corporate", -20, "completed", "Kavya Iyer", 60),
            ("ravirao000000000000000004", "Ravi Rao", "+919700000003", "wedding", 10, "enquiry", "Kavya Iyer", 2),
            ("robert0000000000000000005", "Robert'); DROP TABLE bookings;--", "+919811111111", "engagement", -5, "cancelled",
             "Sahil Khan", 10),
            ("ab_cd00000000000000000006", "Meera Nair", "+919822222222", "anniversary", 30, "proposal_sent", nil, 3),
            ("abXcd00000000000000000007", "Meera Nair", "+919822222222", "anniversary", 30, "deposit_paid", nil, 4),
        ]
        for (id, name, phone, type, days, state, coordinator, age) in bookings {
            let client: Int64 = try c.query("""
                INSERT INTO clients (phone, name) VALUES ($1, $2) ON CONFLICT (phone) DO UPDATE SET name = EXCLUDED.name RETURNING id
                """, phone, name).first!.decode("id")
            try c.execute("""
                INSERT INTO bookings (public_id, client_id, state, event_type, event_date, city, venue, guests, budget, coordinator_id, created_at)
                VALUES ($1, $2, $3, $4, $5::date, 'Jaipur', NULL, 120, 'under_5l', $6, now() - make_interval(days => $7))
                """, id, client, state, type, today.adding(days: days).description, coordinator.flatMap { staff[$0] }, age)
        }
    }

    func ids(_ s: BookingSearch) throws -> [String] {
        try StaffBookingQueries.search(c, s, today: today).rows.map { String($0.publicID.prefix(9)) }
    }

    @Test func upcomingEventsComeFirstSoonestFirstThenPastOnesNewestEnquiryFirst() throws {
        // Ravi and Ananya share a date: Ravi's enquiry is newer. Robert's past event was asked for after Pure's.
        #expect(try ids(BookingSearch()) == ["rohanbday", "ravirao00", "ananyawed", "ab_cd0000", "abXcd0000", "robert000", "pure00000"])
        let page = try StaffBookingQueries.search(c, BookingSearch(), today: today)
        #expect(page.total == 7 && page.page == 1 && page.pageSize == 25 && page.pageCount == 1)
        let ananya = try #require(page.rows.first { $0.publicID.hasPrefix("ananyawed") })
        #expect(ananya.clientName == "Ananya Rao" && ananya.clientPhone == "+919876500001" && ananya.state == .discussion)
        #expect(ananya.eventDate == today.adding(days: 10) && ananya.eventType == "wedding" && ananya.city == "Jaipur")
        #expect(ananya.venue == nil && ananya.guests == 120 && ananya.coordinatorName == "Arjun Mehta")
        #expect(ananya.coordinatorID == staff["Arjun Mehta"])
    }

    @Test func findsClientsByEveryWordOfTheirNameInAnyCase() throws {
        #expect(try ids(BookingSearch(text: "rao")) == ["ravirao00", "ananyawed"])
        #expect(try ids(BookingSearch(text: "  RAO   ananya ")) == ["ananyawed"])
        #expect(try ids(BookingSearch(text: "meera")) == ["ab_cd0000", "abXcd0000"])
    }

    @Test(arguments: ["+91 98765 00001", "+919876500001", "9876500001", "98765-00001", "098765 00001", "91 98765 00001",
                      "0091 98765 00001", "(98765) 00001", "00001", "+91 98765"])
    func findsClientsByPhoneHoweverItIsWritten(_ spelling: String) throws {
        #expect(try ids(BookingSearch(text: spelling)) == ["ananyawed"])
    }

    @Test func findsBookingsByTheStartOfTheirPublicID() throws {
        #expect(try ids(BookingSearch(text: "ananyawed")) == ["ananyawed"])
        #expect(try ids(BookingSearch(text: "ANANYAWED0000000000000001")) == ["ananyawed"])
        #expect(try ids(BookingSearch(text: "nyawed")).isEmpty, "an id matches from its start only")
    }

    @Test func likeWildcardsAndBackslashesAreMatchedLiterally() throws {
        #expect(try ids(BookingSearch(text: "%")) == ["pure00000"], "only the name with a % in it")
        #expect(try ids(BookingSearch(text: "_")) == ["pure00000"], "only the name with an _ in it")
        #expect(try ids(BookingSearch(text: "ab_")) == ["ab_cd0000"], "_ is not any character")
        #expect(try ids(BookingSearch(text: "100% Pure_")) == ["pure00000"])
        #expect(try ids(BookingSearch(text: "\\")).isEmpty)
        #expect(try ids(BookingSearch(text: "%%")).isEmpty)
    }

    @Test func sqlLookingTextIsJustText() throws {
        #expect(try ids(BookingSearch(text: "Robert'); DROP TABLE bookings;--")) == ["robert000"])
        #expect(try ids(BookingSearch(text: "' OR '1'='1")).isEmpty)
        #expect(try ids(BookingSearch(text: "x' OR 1=1 --")).isEmpty)
        let left: Int64 = try c.query("SELECT count(*) AS n FROM bookings").first!.decode("n")
        #expect(left == 7)
    }

    @Test(arguments: ["", "   ", "\u{0}", "a\u{0}b", "\u{0}' OR 1=1", String(repeating: "é", count: 10_000), "🎉💍", "\u{202E}",
                      "$1", "::text", "\\%_\\"])
    func anyTextIsSafeToSearchFor(_ text: String) throws {
        let page = try StaffBookingQueries.search(c, BookingSearch(text: text), today: today)
        #expect(page.total == page.rows.count)
    }

    @Test func blankOrControlOnlyTextSearchesEverything() throws {
        #expect(try StaffBookingQueries.search(c, BookingSearch(text: " \u{0}\t\n"), today: today).total == 7)
    }

    @Test func filtersByStateEventDatesAndCoordinator() throws {
        #expect(try ids(BookingSearch(states: [.enquiry])) == ["rohanbday", "ravirao00"])
        #expect(try ids(BookingSearch(states: [.completed, .cancelled])) == ["robert000", "pure00000"])
        #expect(try ids(BookingSearch(eventFrom: today.adding(days: 3), eventTo: today.adding(days: 10)))
                == ["rohanbday", "ravirao00", "ananyawed"], "both ends included")
        #expect(try ids(BookingSearch(eventTo: today.adding(days: -1))) == ["robert000", "pure00000"])
        #expect(try ids(BookingSearch(eventFrom: today.adding(days: 11))) == ["ab_cd0000", "abXcd0000"])
        #expect(try ids(BookingSearch(coordinatorID: staff["Kavya Iyer"])) == ["ravirao00", "pure00000"])
        #expect(try ids(BookingSearch(text: "rao", states: [.enquiry], coordinatorID: staff["Kavya Iyer"])) == ["ravirao00"])
        #expect(try ids(BookingSearch(text: "rao", coordinatorID: staff["Sahil Khan"])).isEmpty)
        #expect(try ids(BookingSearch(eventFrom: today.adding(days: 10), eventTo: today)).isEmpty, "an empty range finds nothing")
        #expect(try ids(BookingSearch(coordinatorID: .max)).isEmpty)
    }

    @Test func pagesSplitTheOrderAndKnowTheTotal() throws {
        let first = try StaffBookingQueries.search(c, BookingSearch(page: 1, pageSize: 3), today: today)
        let third = try StaffBookingQueries.search(c, BookingSearch(page: 3, pageSize: 3), today: today)
        let past = try StaffBookingQueries.search(c, BookingSearch(page: 4, pageSize: 3), today: today)
        #expect(first.rows.map { String($0.publicID.prefix(9)) } == ["rohanbday", "ravirao00", "ananyawed"])
        #expect(third.rows.map { String($0.publicID.prefix(9)) } == ["pure00000"])
        #expect(past.rows.isEmpty && past.total == 7 && past.page == 4)
        #expect([first, third, past].allSatisfy { $0.total == 7 && $0.pageCount == 3 && $0.pageSize == 3 })
        let filtered = try StaffBookingQueries.search(c, BookingSearch(text: "meera", page: 2, pageSize: 1), today: today)
        #expect(filtered.rows.map(\.publicID) == ["abXcd00000000000000000007"] && filtered.total == 2 && filtered.pageCount == 2)
    }

    @Test func outOfRangePagesAndSizesAreClamped() throws {
        let zero = try StaffBookingQueries.search(c, BookingSearch(page: 0, pageSize: 0), today: today)
        #expect(zero.page == 1 && zero.pageSize == 1 && zero.rows.count == 1 && zero.pageCount == 7)
        let huge = try StaffBookingQueries.search(c, BookingSearch(page: .max, pageSize: .max), today: today)
        #expect(huge.pageSize == BookingSearch.maximumPageSize && huge.page == BookingSearch.maximumPage && huge.rows.isEmpty)
        #expect(huge.total == 7)
        let negative = try StaffBookingQueries.search(c, BookingSearch(page: .min, pageSize: -3), today: today)
        #expect(negative.page == 1 && negative.pageSize == 1)
        let nothing = try StaffBookingQueries.search(c, BookingSearch(text: "nobody by this name"), today: today)
        #expect(nothing.rows.isEmpty && nothing.total == 0 && nothing.pageCount == 1)
    }

    @Test func theCoordinatorFilterOffersActiveCoordinatorsOwnersAndWhoeverCoordinatesABooking() throws {
        let offered = try StaffBookingQueries.coordinators(c)
        // Sahil (accounts) coordinates Robert's booking; Dev (accounts) coordinates none; the old coordinator left.
        #expect(offered.map(\.name) == ["Arjun Mehta", "Kavya Iyer", "Riya Sharma", "Sahil Khan"])
        #expect(offered.map(\.id) == ["Arjun Mehta", "Kavya Iyer", "Riya Sharma", "Sahil Khan"].map { staff[$0]! })
    }

    @Test func escapingLikeMakesEveryWildcardLiteral() {
        #expect(StaffBookingQueries.escapeLike(#"50%_off\now"#) == #"50\%\_off\\now"#)
        #expect(StaffBookingQueries.escapeLike("plain") == "plain")
    }
}

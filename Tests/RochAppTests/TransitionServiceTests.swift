import Foundation
import RochApp
import RochCore
import RochHTTP
import RochStore
import RochTestSupport
import Testing

@Suite struct TransitionServiceTests {
    let context: AppContext
    let service: TransitionService
    let bookingID: Int64

    init() async throws {
        context = try await TestApp.context()
        service = TransitionService(configuration: context.configuration)
        let submissions = BookingSubmissions(context: context)
        let day = IST.day(of: Date()).adding(days: 60).description
        let request = TestApp.jsonPost("/api/booking", """
            {"name":"Meera Nair","phone":"9988776655","email":"meera@example.com","event_type":"reception","event_date":"\(day)",
             "city":"Kochi","guests":300,"budget":"10l_25l","services":["decor"],"whatsapp_consent":"yes"}
            """)
        let id = try await submissions.handle(request).json["id"] as! String
        bookingID = try context.database.withConnectionSync { c in
            let b = try BookingRepository.find(c, publicID: id)!
            let coordinator: Int64 = try c.query("INSERT INTO staff_users (email, name, phone, role) VALUES ('arjun@rochevents.in', 'Arjun Mehta', '+919820023456', 'coordinator') RETURNING id").first!.decode("id")
            try BookingRepository.assignCoordinator(c, id: b.id, staffUserID: coordinator)
            return b.id
        }
    }

    func count(_ sql: String, _ params: SQLEncodable?...) throws -> Int64 {
        try context.database.withConnectionSync { try $0.query(sql, params).first!.decode("n") }
    }

    func fire(_ event: BookingEvent, actor: ActorKind = .teamMember, expected: BookingState? = nil, reason: String? = nil) throws -> BookingRecord {
        try context.database.withConnectionSync { c in
            try c.transaction { c in
                try service.fire(TransitionRequest(bookingID: bookingID, event: event, actor: actor, actorLabel: "staff:1",
                                                   expectedState: expected, reason: reason, parameters: ["call_time": "Friday 4 pm"]), on: c)
            }
        }
    }

    @Test func anAcceptedTransitionWritesStateAuditOutboxAndTimelineTogether() throws {
        let b = try fire(.discuss, expected: .enquiry)
        #expect(b.state == .discussion)
        try context.database.withConnectionSync { c in
            #expect(try c.query("SELECT state FROM bookings WHERE id = $1", bookingID).first!.decode("state") == "discussion")
            #expect(try c.query("SELECT count(*) AS n FROM booking_transitions WHERE booking_id = $1 AND event = 'discuss'", bookingID).first!.decode("n") == Int64(1))
            #expect(try c.query("SELECT count(*) AS n FROM audit_log WHERE action = 'booking.transition'").first!.decode("n") == Int64(1))
            let moments = try c.query("SELECT DISTINCT recipient_role AS r FROM notifications WHERE booking_id = $1 AND moment = 'discussion_scheduled' ORDER BY 1", bookingID)
                .map { try $0.decode("r", as: String.self) }
            #expect(moments == ["client", "coordinator"])
            #expect(try c.query("SELECT parameters->>'call_time' AS t FROM notifications WHERE moment = 'discussion_scheduled' LIMIT 1").first!.decode("t") == "Friday 4 pm")
            #expect(try c.query("SELECT title FROM portal_events WHERE booking_id = $1 ORDER BY id DESC LIMIT 1", bookingID).first!.decode("title") == "Discussion scheduled")
            #expect(try c.query("SELECT title FROM tasks WHERE booking_id = $1 ORDER BY id DESC LIMIT 1", bookingID).first!.decode("title") == "Prepare proposal")
        }
    }

    @Test func anInvalidTransitionIsRefusedWithTheCurrentStateAndChangesNothing() throws {
        #expect { try fire(.complete) } throws: { ($0 as? TransitionConflict)?.currentState == .enquiry }
        #expect { try fire(.depositPaid) } throws: { error in
            guard let c = error as? TransitionConflict else { return false }
            return c.currentState == .enquiry && c.message.contains("cannot take")
        }
        #expect { try fire(.cancel) } throws: { ($0 as? TransitionConflict)?.message.contains("reason") == true }
        #expect(try count("SELECT count(*) AS n FROM booking_transitions WHERE booking_id = $1", bookingID) == 1)
    }

    @Test func aStaleViewIsRefused() throws {
        _ = try fire(.discuss, expected: .enquiry)
        #expect { try fire(.cancel, expected: .enquiry, reason: "client changed plans") }
            throws: { ($0 as? TransitionConflict)?.currentState == .discussion }
    }

    @Test func twoTeamMembersFiringConflictingTransitionsAtOnceExactlyOneWins() async throws {
        let service = self.service
        let bookingID = self.bookingID
        let db = context.database
        let requests = [
            TransitionRequest(bookingID: bookingID, event: .discuss, actor: .teamMember, actorLabel: "staff:1", expectedState: .enquiry),
            TransitionRequest(bookingID: bookingID, event: .cancel, actor: .teamMember, actorLabel: "staff:2", expectedState: .enquiry, reason: "duplicate enquiry"),
        ]
        let outcomes = await withTaskGroup(of: Result<BookingState, Error>.self) { group in
            for r in requests {
                group.addTask {
                    do { return .success(try await db.transaction { c in try service.fire(r, on: c).state }) } catch { return .failure(error) }
                }
            }
            return await group.reduce(into: [Result<BookingState, Error>]()) { $0.append($1) }
        }
        let wins = outcomes.compactMap { try? $0.get() }
        let conflicts = outcomes.compactMap { if case .failure(let e) = $0 { e as? TransitionConflict } else { nil } }
        #expect(wins.count == 1)
        #expect(conflicts.count == 1)
        #expect(conflicts.first?.currentState == wins.first)
        let auditRows: Int64 = try db.withConnectionSync { try $0.query("SELECT count(*) AS n FROM audit_log WHERE action = 'booking.transition'").first!.decode("n") }
        #expect(auditRows == 1)
    }

    @Test func depositPaidCannotBeFiredByTheTeamOnlyByThePaymentWebhook() throws {
        _ = try context.database.withConnectionSync { c in
            try c.execute("UPDATE bookings SET state = 'proposal_sent' WHERE id = $1", bookingID)
        }
        #expect { try fire(.depositPaid, actor: .teamMember) } throws: { ($0 as? TransitionConflict)?.message.contains("Razorpay") == true }
        let b = try fire(.depositPaid, actor: .paymentWebhook)
        #expect(b.state == .depositPaid)
        #expect(try count("SELECT count(*) AS n FROM jobs WHERE kind = 'schedule_reminders'") == 1)
    }

    @Test func cancellingCancelsQueuedReminders() throws {
        _ = try context.database.withConnectionSync { c in
            try OutboxRepository.enqueue(c, [OutboxMessage(idempotencyKey: "r1", moment: .eventReminder48h, bookingID: bookingID,
                                                           recipientRole: .client, recipientName: "Meera", channel: .email,
                                                           address: "meera@example.com", parameters: [:], dueAt: Date().addingTimeInterval(86_400 * 30))])
        }
        let b = try fire(.cancel, reason: "client postponed indefinitely")
        #expect(b.state == .cancelled)
        let status: String = try context.database.withConnectionSync { try $0.query("SELECT status FROM notifications WHERE idempotency_key = 'r1'").first!.decode("status") }
        #expect(status == "cancelled")
        #expect(try count("SELECT count(*) AS n FROM notifications WHERE moment = 'booking_cancelled'") > 0)
    }
}

import Foundation
import RochCore
import RochStore

/// Completes bookings the day after their event unless the team already did: `complete` fired by the
/// `system` actor through `TransitionService`, one transaction per booking. Run from the worker's
/// housekeeping; two workers racing for a booking are safe (the row lock and the expected state make
/// the second a `TransitionConflict`, which is skipped).
public struct EventCompletion: Sendable {
    let transitions: TransitionService

    public init(configuration: Configuration) { transitions = TransitionService(configuration: configuration) }

    /// Returns how many bookings were completed.
    @discardableResult
    public func run(_ c: Connection, now: Date = Date(), limit: Int = 100) throws -> Int {
        let today = IST.day(of: now)
        let due = try c.query("""
            SELECT id, event_date::text AS event_date FROM bookings WHERE state = 'active_preparation' AND event_date < $1::date
            ORDER BY event_date, id LIMIT $2
            """, today.description, limit).compactMap { row -> Int64? in
            guard let day = CalendarDay(try row.decode("event_date", as: String.self)),
                  BookingLifecycle.isDueForAutomaticCompletion(state: .activePreparation, eventDate: day, today: today) else { return nil }
            return try row.decode("id", as: Int64.self)
        }
        var completed = 0
        for id in due {
            do {
                try c.transaction { c in
                    try transitions.fire(TransitionRequest(bookingID: id, event: .complete, actor: .system, actorLabel: "system",
                                                           expectedState: .activePreparation), on: c, now: now)
                }
                completed += 1
            } catch is TransitionConflict {
                continue  // completed or cancelled meanwhile
            }
        }
        return completed
    }
}

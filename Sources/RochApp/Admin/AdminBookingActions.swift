import Foundation
import RochCore
import RochHTTP
import RochStore

/// What the booking page says after an action that did not go through: its status, a message, and
/// the form (with the person's input and a message per field) to show again.
struct BookingPageFlash {
    var status = 200
    var notice: String?
    var alert: String?
    /// The form the errors belong to ("event:discuss", "details").
    var form: String?
    var errors: [String: String] = [:]
    var values: [String: String] = [:]
    /// `?open=details`: the event details form starts open (the start time flag links to it).
    var openDetails = false
}

/// The booking page's lifecycle buttons: `POST /admin/bookings/<id>/event`.
extension AdminApp {
    func bookingEvent(_ publicID: String, _ request: Request, session: StaffSession) async throws -> Response {
        let form = try request.form()
        guard let booking = try await context.database.withConnection({ c in try BookingRepository.find(c, publicID: publicID) }) else {
            return message(status: 404, heading: "No such booking", text: "No booking has the id \(publicID).", session: session)
        }
        if let refused = try await refusal(booking, request, session: session) { return refused }
        guard let event = form["event"].flatMap(BookingEvent.init(rawValue:)), let seen = form["state"].flatMap(BookingState.init(rawValue:)) else {
            return try await self.booking(publicID, session: session, flash: BookingPageFlash(
                status: 422, alert: "That button is not one this page offers. Reload the page and try again."))
        }
        let values = Dictionary(LifecycleEventForm.fields(for: event).map { ($0, form[$0] ?? "") }, uniquingKeysWith: { a, _ in a })
        if seen != booking.state { return try await stale(booking, seen: seen, session: session) }
        let input: LifecycleEventInput
        switch LifecycleEventForm.parse(event: event, { form[$0] }, now: clock(), eventDate: booking.eventDate) {
        case .success(let i): input = i
        case .failure(let errors):
            return try await self.booking(publicID, session: session, flash: BookingPageFlash(
                status: 422, alert: "'\(event.label)' needs another look: see the form below.", form: "event:\(event.rawValue)",
                errors: errors.fields, values: values))
        }
        let actions = StaffLifecycleActions(configuration: context.configuration)
        let actor = StaffActor(staffID: session.account.id, client: StaffClient(request))
        let now = clock()
        do {
            try await context.database.withConnection { c in
                try actions.fire(c, bookingID: booking.id, event: event, seen: seen, input: input, by: actor, now: now)
            }
        } catch let conflict as TransitionConflict {
            if conflict.currentState != seen { return try await stale(booking, seen: seen, session: session) }
            return try await self.booking(publicID, session: session, flash: BookingPageFlash(
                status: 409, alert: conflict.message, form: "event:\(event.rawValue)", values: values))
        }
        return Response.redirect(to: "/admin/bookings/\(publicID)?done=\(event.rawValue)")
    }

    /// 409: the page was out of date; it shows the booking as it is now and says so.
    func stale(_ booking: BookingRecord, seen: BookingState, session: StaffSession) async throws -> Response {
        let now = try await context.database.withConnection { c in try BookingRepository.find(c, id: booking.id) }
        let current = now?.state ?? booking.state
        return try await self.booking(booking.publicID, session: session, flash: BookingPageFlash(
            status: 409, alert: "Nothing was changed: this booking is now \(current.label), not \(seen.label) as your page showed. Someone else moved it; this is the booking as it is now."))
    }

    /// The permission table asked about this booking (a coordinator acts only on their own); audited when refused.
    func refusal(_ booking: BookingRecord, _ request: Request, session: StaffSession) async throws -> Response? {
        let decision = StaffPermissions.decide(role: session.role, staffID: session.account.id, action: .actOnBooking,
                                               on: .booking(coordinatorID: booking.coordinatorID))
        guard case .denied(let why) = decision else { return nil }
        try await audit(session, request, action: "staff.denied", details: ["wanted": StaffAction.actOnBooking.rawValue, "booking": booking.publicID])
        return message(status: 403, heading: "Not allowed", text: why, session: session)
    }

    /// The "What next" section: every event the table lists from the state, available or with why not.
    func lifecycleValues(_ d: BookingDossier, hasProposal: Bool, session: StaffSession, flash: BookingPageFlash) -> [String: Any] {
        let b = d.booking
        let canAct = StaffPermissions.decide(role: session.role, staffID: session.account.id, action: .actOnBooking,
                                             on: .booking(coordinatorID: b.coordinatorID)).isAllowed
        let context = TransitionContext(actor: .teamMember, hasCoordinator: b.coordinatorID != nil, hasProposal: hasProposal,
                                        eventDate: b.eventDate, today: IST.day(of: clock()))
        let choices: [[String: Any]] = BookingLifecycle.choices(from: b.state, context: context).map { choice in
            let key = "event:\(choice.event.rawValue)"
            let mine = flash.form == key
            func field(_ name: String) -> [String: Any] {
                ["value": mine ? flash.values[name] ?? "" : "", "error": mine ? flash.errors[name] as Any : nil as String? as Any,
                 "id": "\(choice.event.rawValue)-\(name)"]
            }
            return ["event": choice.event.rawValue, "label": choice.event.label, "available": choice.isAvailable,
                    "unmet": choice.unmet.joined(separator: " "), "open": mine,
                    "isDiscuss": choice.event == .discuss, "isCancel": choice.event == .cancel,
                    "isSendProposal": choice.event == .sendProposal,
                    "callDate": field("call_date"), "callTime": field("call_time"), "reason": field("reason"),
                    "refundYes": mine && flash.values["refund"] == "yes", "refundNo": mine && flash.values["refund"] == "no",
                    "refundError": mine ? flash.errors["refund"] as Any : nil as String? as Any]
        }
        return ["state": b.state.rawValue, "canAct": canAct, "choices": choices, "hasChoices": !choices.isEmpty,
                "final": b.state.isFinal]
    }
}

extension AdminApp {
    /// After a successful action the page is reached by redirect with `?done=<what>`: say it was done.
    func bookingNotice(_ request: Request) -> BookingPageFlash {
        let query = try? request.query()
        guard let done = query?["done"] else { return BookingPageFlash(openDetails: query?["open"] == "details") }
        if let event = BookingEvent(rawValue: done) { return BookingPageFlash(notice: "Done: \(event.label).") }
        if done == "details" { return BookingPageFlash(notice: "The event details are saved.") }
        if let notice = Self.clientNotices[done] { return BookingPageFlash(notice: notice) }
        return BookingPageFlash()
    }
}

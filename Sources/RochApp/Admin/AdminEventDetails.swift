import Foundation
import RochCore
import RochHTTP
import RochStore

/// The booking page's event details form: `POST /admin/bookings/<id>/details`.
extension AdminApp {
    func bookingDetails(_ publicID: String, _ request: Request, session: StaffSession) async throws -> Response {
        let form = try request.form()
        guard let booking = try await context.database.withConnection({ c in try BookingRepository.find(c, publicID: publicID) }) else {
            return message(status: 404, heading: "No such booking", text: "No booking has the id \(publicID).", session: session)
        }
        if let refused = try await refusal(booking, request, session: session) { return refused }
        let values = Dictionary(EventDetailsForm.fields.map { ($0, form[$0] ?? "") }, uniquingKeysWith: { a, _ in a })
        func again(_ errors: [String: String]) async throws -> Response {
            try await self.booking(publicID, session: session, flash: BookingPageFlash(
                status: 422, alert: "The event details need another look: see the form below.", form: "details", errors: errors, values: values))
        }
        let details: EventDetails
        switch EventDetailsForm.parse({ form[$0] }, current: StaffEventDetails.details(of: booking), today: IST.day(of: clock())) {
        case .success(let d): details = d
        case .failure(let errors): return try await again(errors.fields)
        }
        let service = StaffEventDetails(configuration: context.configuration)
        let actor = StaffActor(staffID: session.account.id, client: StaffClient(request))
        let now = clock()
        do {
            try await context.database.withConnection { c in
                try service.update(c, bookingID: booking.id, to: details, by: actor, now: now)
            }
        } catch let refused as EventDetailsRefused {
            return try await again(refused.fields)
        }
        return Response.redirect(to: "/admin/bookings/\(publicID)?done=details")
    }

    /// The event details form's fields: what was typed after a refusal, else the booking as stored.
    func detailsFormValues(_ b: BookingDossier.Booking, coordinators: [(id: Int64, name: String)], flash: BookingPageFlash) -> [String: Any] {
        let mine = flash.form == "details"
        let stored = ["coordinator": b.coordinatorID.map(String.init) ?? "", "event_date": b.eventDate.description,
                      "start_time": b.eventStartTime.map { String($0.prefix(5)) } ?? "", "venue": b.venue ?? "", "city": b.city, "guests": String(b.guests)]
        var fields: [String: Any] = [:]
        for name in EventDetailsForm.fields {
            fields[name] = ["value": mine ? flash.values[name] ?? "" : stored[name] ?? "", "error": mine ? flash.errors[name] as Any : nil as String? as Any,
                            "id": "details-\(name)"] as [String: Any]
        }
        let chosen = mine ? flash.values["coordinator"] ?? "" : stored["coordinator"]!
        fields["coordinators"] = coordinators.map { ["id": String($0.id), "name": $0.name, "selected": String($0.id) == chosen] as [String: Any] }
        fields["nobody"] = chosen.isEmpty
        return fields
    }
}

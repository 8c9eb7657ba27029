import Foundation
import RochCore
import RochHTTP
import RochStore

/// `GET/POST /admin/bookings/new`: a booking the team takes down by hand.
extension AdminApp {
    func newBooking(_ request: Request, session: StaffSession) async throws -> Response {
        guard request.method == "POST" else {
            return newBookingPage(values: ["whatsapp_consent": [], "source": []], errors: [:], session: session)
        }
        let fields = try request.form().dictionary
        let entry: ManualBooking
        switch ManualBookingForm.validate(fields, today: IST.day(of: clock())) {
        case .success(let m): entry = m
        case .failure(let errors): return newBookingPage(values: fields, errors: errors.fields, session: session)
        }
        let service = StaffBookingEntry(configuration: context.configuration)
        let actor = StaffActor(staffID: session.account.id, client: StaffClient(request))
        let entered = try await context.database.withConnection { c in try service.enter(c, entry, by: actor) }
        return Response.redirect(to: "/admin/bookings/\(entered.booking.publicID)?done=\(entered.existingClient == nil ? "entered" : "entered-existing")")
    }

    func newBookingPage(values: [String: [String]], errors: [String: String], session: StaffSession) -> Response {
        let single = values.compactMapValues(\.first)
        func choices<T: LabelledOption>(_ type: T.Type, field: String, chosen: [String]) -> [[String: Any]] {
            T.allCases.map { ["value": $0.rawValue, "label": $0.label, "selected": chosen.contains($0.rawValue),
                              "id": "new-\(field)-\($0.rawValue)"] as [String: Any] }
        }
        return templates.response(AdminPage("booking-new", title: "New booking", status: errors.isEmpty ? 200 : 422, current: "bookings", values: [
            "alert": errors.isEmpty ? nil as String? as Any : "Nothing was saved: \(errors.count == 1 ? "one answer needs" : "\(errors.count) answers need") another look (see below).",
            "f": Self.fieldValues(ManualBookingForm.fields, values: single, errors: { errors[$0] }, prefix: "new"),
            "eventTypes": choices(EventType.self, field: "event_type", chosen: values["event_type"] ?? []),
            "budgets": choices(BudgetRange.self, field: "budget", chosen: values["budget"] ?? []),
            "services": choices(EventService.self, field: "services", chosen: values["services"] ?? []),
            "sources": BookingSource.byHand.map { ["value": $0.rawValue, "label": $0.label, "selected": single["source"] == $0.rawValue,
                                                   "id": "new-source-\($0.rawValue)"] as [String: Any] },
            "consentYes": single["whatsapp_consent"] == "yes", "consentNo": single["whatsapp_consent"] == "no",
        ]), session: session)
    }
}

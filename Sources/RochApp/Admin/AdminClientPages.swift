import Foundation
import RochCore
import RochHTTP
import RochStore

/// A booking's client: `GET/POST /admin/bookings/<id>/client` (edit the details) and
/// `POST /admin/bookings/<id>/client/adopt` (take over what a later enquiry typed).
extension AdminApp {
    func clientDetails(_ publicID: String, _ request: Request, session: StaffSession) async throws -> Response {
        guard let booking = try await context.database.withConnection({ c in try BookingRepository.find(c, publicID: publicID) }) else {
            return message(status: 404, heading: "No such booking", text: "No booking has the id \(publicID).", session: session)
        }
        if let refused = try await clientRefusal(booking, request, session: session) { return refused }
        guard request.method == "POST" else {
            guard let stored = try await context.database.withConnection({ c in try ClientDetailsRepository.details(c, clientID: booking.clientID) }) else {
                return message(status: 404, heading: "No such client", text: "This booking's client is gone.", session: session)
            }
            return clientPage(booking, values: Self.formValues(stored), errors: FieldErrors(), session: session)
        }
        let form = try request.form()
        let values = Dictionary(ClientDetailsForm.fields.map { ($0, form[$0] ?? "") }, uniquingKeysWith: { a, _ in a })
        let details: ClientDetails
        switch ClientDetailsForm.validate({ form[$0] }) {
        case .success(let d): details = d
        case .failure(let errors): return clientPage(booking, values: values, errors: errors, session: session)
        }
        let actor = StaffActor(staffID: session.account.id, client: StaffClient(request))
        do {
            let changes = try await context.database.withConnection { c in
                try c.transaction { c in
                    try ClientDetailsRepository.update(c, clientID: booking.clientID, to: details, action: "client.updated", actor: actor.label,
                                                       bookingPublicID: booking.publicID, ip: actor.client.ip, userAgent: actor.client.userAgent)
                }
            }
            return Response.redirect(to: "/admin/bookings/\(publicID)?done=\(changes.isEmpty ? "client-unchanged" : "client")")
        } catch let taken as ClientPhoneTaken {
            var errors = FieldErrors()
            errors.add("phone", taken.message)
            return clientPage(booking, values: values, errors: errors, session: session)
        }
    }

    /// The one-click "use these details": the booking's typed name, email and consent replace the client's.
    func adoptSubmittedContact(_ publicID: String, _ request: Request, session: StaffSession) async throws -> Response {
        guard let booking = try await context.database.withConnection({ c in try BookingRepository.find(c, publicID: publicID) }) else {
            return message(status: 404, heading: "No such booking", text: "No booking has the id \(publicID).", session: session)
        }
        if let refused = try await clientRefusal(booking, request, session: session) { return refused }
        let actor = StaffActor(staffID: session.account.id, client: StaffClient(request))
        let changes = try await context.database.withConnection { c in
            try c.transaction { c -> [ClientDetailChange] in
                guard let stored = try ClientDetailsRepository.details(c, clientID: booking.clientID, lock: true),
                      let typed = try BookingRepository.submittedContact(c, bookingID: booking.id) else { return [] }
                let adopted = SubmittedContactAdoption.adopted(stored, name: typed.name, email: typed.email, whatsAppConsent: typed.whatsAppConsent)
                return try ClientDetailsRepository.update(c, clientID: booking.clientID, to: adopted, action: "client.adopted_enquiry_details",
                                                          actor: actor.label, bookingPublicID: booking.publicID,
                                                          ip: actor.client.ip, userAgent: actor.client.userAgent)
            }
        }
        return Response.redirect(to: "/admin/bookings/\(publicID)?done=\(changes.isEmpty ? "client-unchanged" : "client-adopted")")
    }

    /// The permission table asked about this booking's client; audited when refused.
    func clientRefusal(_ booking: BookingRecord, _ request: Request, session: StaffSession) async throws -> Response? {
        let decision = StaffPermissions.decide(role: session.role, staffID: session.account.id, action: .editClient,
                                               on: .booking(coordinatorID: booking.coordinatorID))
        guard case .denied(let why) = decision else { return nil }
        try await audit(session, request, action: "staff.denied", details: ["wanted": StaffAction.editClient.rawValue, "booking": booking.publicID])
        return message(status: 403, heading: "Not allowed", text: why, session: session)
    }

    static func formValues(_ d: ClientDetails) -> [String: String] {
        ["name": d.name, "phone": d.phone, "email": d.email ?? "", "whatsapp_consent": d.whatsAppConsent ? "yes" : "no", "gstin": d.gstin ?? ""]
    }

    func clientPage(_ booking: BookingRecord, values: [String: String], errors: FieldErrors, session: StaffSession) -> Response {
        templates.response(AdminPage("client", title: "Client details: \(booking.publicID)", status: errors.isEmpty ? 200 : 422, current: "bookings", values: [
            "publicID": booking.publicID,
            "alert": errors.isEmpty ? nil as String? as Any : "Nothing was saved: the details need another look (see below).",
            "f": Self.fieldValues(ClientDetailsForm.fields, values: values, errors: { errors[$0] }, prefix: "client"),
            "consentYes": values["whatsapp_consent"] == "yes", "consentNo": values["whatsapp_consent"] == "no",
        ]), session: session)
    }

    /// Each field's value, message and element id, as the admin templates read them (`f.<name>.value`).
    static func fieldValues(_ names: [String], values: [String: String], errors: (String) -> String?, prefix: String) -> [String: Any] {
        Dictionary(names.map { name in
            (name, ["value": values[name] ?? "", "error": errors(name) as Any, "id": "\(prefix)-\(name.replacingOccurrences(of: "_", with: "-"))"] as [String: Any])
        }, uniquingKeysWith: { a, _ in a })
    }

    /// The booking page's "the enquiry typed other details" section: each differing detail, stored and typed.
    func adoptionValues(_ d: BookingDossier, canEdit: Bool) -> [String: Any]? {
        guard let s = d.submitted else { return nil }
        let stored = ClientDetails(name: d.client.name, phone: d.client.phone, email: d.client.email, whatsAppConsent: d.client.whatsAppConsent)
        let differences = SubmittedContactAdoption.differences(stored, name: s.name, email: s.email, whatsAppConsent: s.whatsAppConsent)
        if differences.isEmpty { return nil }
        return ["rows": differences.map { ["label": $0.label, "stored": $0.before, "typed": $0.after] }, "canEdit": canEdit]
    }
}

extension AdminApp {
    /// What the booking page says after the client desk's actions (`?done=`).
    static let clientNotices = [
        "client": "The client's details are saved.",
        "client-unchanged": "Nothing changed: the client's details were already these.",
        "client-adopted": "The client's details now are the ones typed on this enquiry.",
        "entered": "The booking is entered as an enquiry, with a new client.",
        "entered-existing": "This mobile number belongs to an existing client, so the booking is attached to them and their stored details are kept. Any details you typed differently are shown under Client, ready to adopt.",
    ]
}

import Foundation
import RochApp
import RochCore
import RochHTTP
import RochStore
import RochTestSupport

/// Two clients with one booking each (and a coordinator, a proposal and timeline entries), on a
/// fresh database: the world every portal test starts from.
struct PortalWorld {
    struct Party {
        let clientID: Int64
        let phone: String
        let bookingID: Int64
        let bookingPublicID: String
    }

    let context: AppContext
    let api: PortalAPI
    let asha: Party
    let ravi: Party

    init(environment: [String: String] = [:], limits: PortalLinkRequests.Limits = .init(perIP: .init(hits: 1000, windowSeconds: 600),
                                                                                          perPhone: .init(hits: 3, windowSeconds: 3600))) throws {
        context = try TestApp.context(environment: environment)
        api = PortalAPI(context: context, limits: limits)
        (asha, ravi) = try context.database.withConnectionSync { c in
            let coordinator: Int64 = try c.query("""
                INSERT INTO staff_users (email, name, phone, role) VALUES ('meera@rochevents.in', 'Meera Iyer', '+919820011111', 'coordinator') RETURNING id
                """).first!.decode("id")
            func party(_ name: String, _ phone: String, _ email: String, _ city: String) throws -> Party {
                let client: Int64 = try c.query("""
                    INSERT INTO clients (phone, name, email, whatsapp_consent) VALUES ($1, $2, $3, true) RETURNING id
                    """, phone, name, email).first!.decode("id")
                let publicID = PublicID.make()
                let day = IST.day(of: Date()).adding(days: 90).description
                let booking: Int64 = try c.query("""
                    INSERT INTO bookings (public_id, client_id, state, event_type, event_date, city, guests, budget, coordinator_id)
                    VALUES ($1, $2, 'deposit_paid', 'wedding', $3::date, $4, 250, '10l_25l', $5) RETURNING id
                    """, publicID, client, day, city, coordinator).first!.decode("id")
                try c.execute("""
                    INSERT INTO proposals (booking_id, public_id, total_paise, summary, status) VALUES ($1, $2, 150000000, 'Decor, catering, photography', 'accepted')
                    """, booking, PublicID.make())
                try TimelineRepository.append(c, bookingID: booking, kind: "status", title: "Enquiry received", body: "Thank you.",
                                              data: JSONB(#"{"state":"enquiry","label":"Enquiry"}"#))
                try TimelineRepository.append(c, bookingID: booking, kind: "status", title: "Booking confirmed", body: "Deposit received.",
                                              data: JSONB(#"{"state":"deposit_paid","label":"Deposit Paid"}"#))
                return Party(clientID: client, phone: phone, bookingID: booking, bookingPublicID: publicID)
            }
            return (try party("Asha Rao", "+919876500001", "asha@example.com", "Mysuru"),
                    try party("Ravi Kumar", "+919876500002", "ravi@example.com", "Udaipur"))
        }
    }

    /// A magic link's secret for the client (as the team or a moment would send it).
    func linkSecret(for party: Party, lifetime: TimeInterval = 3600) throws -> String {
        let url = try context.database.withConnectionSync { c in
            try PortalAccess.issueLink(c, clientID: party.clientID, issuedBy: "test", lifetime: lifetime, siteURL: "https://rochevents.test")
        }
        return String(url.split(separator: "=").last!)
    }

    /// Opens a link as the browser would and returns the response.
    func open(_ secret: String, secure: Bool = false) async throws -> Response {
        try await api.handle(Request(method: "GET", path: "/api/portal/open", queryString: "token=\(secret)", isSecure: secure))
    }

    /// Signs the client in through a magic link; returns the session cookie's value.
    func signIn(_ party: Party) async throws -> String {
        let response = try await open(try linkSecret(for: party))
        let setCookie = response.headers["set-cookie"]!
        return String(setCookie.split(separator: ";")[0].split(separator: "=", maxSplits: 1)[1])
    }

    /// A GET to the portal API with the session cookie (if any).
    func get(_ path: String, cookie: String?) async throws -> Response {
        var headers = Headers([("Accept", "application/json")])
        if let cookie { headers.add("Cookie", "\(PortalAccess.cookieName)=\(cookie)") }
        return await ErrorResponder.respond({ try await api.handle($0) }, to: Request(method: "GET", path: path, headers: headers))
    }

    func sql<T: SQLDecodable>(_ query: String, _ params: SQLEncodable?..., column: String = "v") throws -> T {
        try context.database.withConnectionSync { try $0.query(query, params).first!.decode(column) }
    }

    func execute(_ query: String, _ params: SQLEncodable?...) throws {
        try context.database.withConnectionSync { c in _ = try c.query(query, params) }
    }
}

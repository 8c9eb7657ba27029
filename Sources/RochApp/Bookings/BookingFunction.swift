import Foundation
import RochCore
import RochHTTP
import RochStore

extension FunctionDefinition {
    /// `POST /api/booking`: enquiry submission from the site's form (urlencoded, no JS) or its JS (JSON).
    public static let booking = FunctionDefinition(name: "booking") {
        let context = try AppContext.shared()
        let submissions = BookingSubmissions(context: context)
        return { request in try await submissions.handle(request) }
    }
}

/// How many submissions one visitor may make (shared by every process through PostgreSQL).
public struct BookingRateLimits: Sendable, Equatable {
    public var perIP: RateLimiter.Limit
    public var perPhone: RateLimiter.Limit

    public init(perIP: RateLimiter.Limit, perPhone: RateLimiter.Limit) {
        self.perIP = perIP
        self.perPhone = perPhone
    }

    /// 10 per IP per 10 minutes and 5 per phone per hour, overridable by
    /// BOOKING_LIMIT_PER_IP / BOOKING_LIMIT_PER_PHONE ("hits/seconds", e.g. "10/600").
    public static func from(environment env: [String: String]) -> BookingRateLimits {
        BookingRateLimits(perIP: .setting("BOOKING_LIMIT_PER_IP", in: env, default: .init(hits: 10, windowSeconds: 600)),
                          perPhone: .setting("BOOKING_LIMIT_PER_PHONE", in: env, default: .init(hits: 5, windowSeconds: 3600)))
    }
}

/// The booking function's logic: parse, validate, deduplicate, rate-limit, store, answer.
public struct BookingSubmissions: Sendable {
    let context: AppContext
    let transitions: TransitionService
    let limits: BookingRateLimits

    public init(context: AppContext, limits: BookingRateLimits = .from(environment: ProcessInfo.processInfo.environment)) {
        self.context = context
        self.transitions = TransitionService(configuration: context.configuration)
        self.limits = limits
    }

    public func handle(_ request: Request) async throws -> Response {
        guard request.method == "POST" else { throw HTTPError.methodNotAllowed(["POST"]) }
        let isJSON = request.isJSON
        let fields = try Self.fields(of: request)
        let today = IST.day(of: Date())
        let enquiry: Enquiry
        switch EnquiryForm.validate(fields, today: today) {
        case .success(let e): enquiry = e
        case .failure(let errors):
            if errors.isSpam { throw Self.spamRefusal }
            if isJSON || ErrorResponder.wantsJSON(request) {
                throw HTTPError.unprocessable("Some answers need another look.", fields: errors.fields)
            }
            return BookingFormPage.response(status: 422, fields: fields, errors: errors.fields)
        }
        if enquiry.isSpam { throw Self.spamRefusal }

        let ip = request.remoteAddress
        let network = ClientNetwork.rateLimitKey(for: ip)  // IPv6 counts by /64
        let limits = self.limits
        let transitions = self.transitions
        let outcome: (BookingRecord, Bool) = try await context.database.withConnection { c in
            // A retry of an accepted submission gets the same booking back, whatever the limits say.
            if let key = enquiry.idempotencyKey, let existing = try BookingRepository.find(c, idempotencyKey: key) {
                return (existing, false)
            }
            if let network, let retry = try RateLimiter.hit(c, key: "booking:ip:\(network)", limit: limits.perIP) {
                throw HTTPError.tooManyRequests(retryAfter: retry)
            }
            if let retry = try RateLimiter.hit(c, key: "booking:phone:\(enquiry.phone.e164)", limit: limits.perPhone) {
                throw HTTPError.tooManyRequests(retryAfter: retry)
            }
            return try c.transaction { c in
                // A known number keeps its stored details and consent; what was typed stays on the booking.
                let (client, isNewClient) = try ClientRepository.findOrCreate(c, phone: enquiry.phone, name: enquiry.name,
                                                                              email: enquiry.email, whatsAppConsent: enquiry.whatsAppConsent)
                let (booking, created) = try BookingRepository.insert(c, NewBooking(
                    publicID: PublicID.make(), clientID: client.id, enquiry: enquiry, sourceIP: ip.isEmpty ? nil : ip))
                if created {
                    try transitions.created(booking, actorLabel: "client:\(client.id)", on: c)
                    let differences = isNewClient ? [] : enquiry.contactDifferences(fromName: client.name, email: client.email,
                                                                                     whatsAppConsent: client.whatsAppConsent)
                    if !differences.isEmpty {
                        try TeamRepository.createTask(c, bookingID: booking.id, title: Self.differingContactTask(differences),
                                                      assigneeRole: TeamRole.sales.rawValue, assigneeID: nil, dueInHours: 24)
                    }
                }
                return (booking, created)
            }
        }
        let (booking, created) = outcome
        if isJSON || ErrorResponder.wantsJSON(request) {
            var response = try Response.json(BookingAccepted(booking: booking), status: 201)
            if !created { response.headers.set("Idempotent-Replayed", "true") }
            return response
        }
        return Response.redirect(to: "/book/thanks/?id=\(booking.publicID)", status: 303)
    }

    /// The team's task when a known number's enquiry typed other contact details (the client row keeps its own).
    static func differingContactTask(_ differences: [String]) -> String {
        "Check the \(differences.joined(separator: ", ")) typed on this enquiry with the client by phone: they differ from the client's record, which the form did not change"
    }

    static let spamRefusal = HTTPError(429, code: "rejected",
        "We could not accept this submission. Please call or WhatsApp us on +91 98200 12345 and we will help you directly.",
        headers: ["Retry-After": "3600"])

    /// The submitted fields in one shape, whether they came as a form or as JSON.
    static func fields(of request: Request) throws -> [String: [String]] {
        if request.body.isEmpty {
            throw HTTPError.badRequest("The request has no body. Send the booking form's fields.", code: "empty_body")
        }
        if request.isJSON {
            try NULBytes.checkJSON(request.body)
            do {
                return try JSONCoding.decode(JSONFields.self, from: request.body).fields
            } catch {
                throw HTTPError.badRequest("The body is not a JSON object of form fields: check the JSON syntax.", code: "invalid_json")
            }
        }
        let type = request.headers["content-type"]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        guard type == "application/x-www-form-urlencoded" else {
            throw HTTPError.unsupportedMediaType(["application/x-www-form-urlencoded", "application/json"])
        }
        return try request.form().dictionary
    }
}

/// The JSON answer to an accepted enquiry.
struct BookingAccepted: Encodable {
    let id: String
    let state: String
    let message: String
    let nextSteps: [String]

    init(booking: BookingRecord) {
        id = booking.publicID
        state = booking.state.rawValue
        message = "Thank you! We have your enquiry."
        nextSteps = [
            "Our team will call you within 24 hours.",
            "You will get updates on WhatsApp (if you opted in) and by email.",
            "After a short discussion we send a proposal with a payment schedule (30% deposit to confirm).",
        ]
    }

    enum CodingKeys: String, CodingKey { case id, state, message, nextSteps = "next_steps" }
}

/// A JSON object whose values are strings, numbers, booleans or arrays of those, read as form fields.
struct JSONFields: Decodable {
    var fields: [String: [String]] = [:]

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        for key in c.allKeys {
            if try c.decodeNil(forKey: key) { continue }
            if let s = try? c.decode(String.self, forKey: key) {
                fields[key.stringValue] = [s]
            } else if let b = try? c.decode(Bool.self, forKey: key) {
                fields[key.stringValue] = [b ? "yes" : "no"]
            } else if let i = try? c.decode(Int64.self, forKey: key) {
                fields[key.stringValue] = [String(i)]
            } else if let d = try? c.decode(Double.self, forKey: key) {
                fields[key.stringValue] = [String(d)]
            } else if let a = try? c.decode([String].self, forKey: key) {
                fields[key.stringValue] = a
            } else {
                // objects or nested arrays: keep the field so validation explains it is wrong
                fields[key.stringValue] = ["\u{FFFD}"]
            }
        }
    }
}

/// Unguessable public ids: 128 random bits (the system CSPRNG) in lower-case base32, 26 characters.
public enum PublicID {
    static let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567")

    public static func make() -> String {
        var rng = SystemRandomNumberGenerator()
        var value = (UInt64.random(in: .min ... .max, using: &rng), UInt64.random(in: .min ... .max, using: &rng))
        var out = ""
        for _ in 0..<26 {
            out.append(alphabet[Int(value.1 & 31)])
            value.1 = (value.1 >> 5) | (value.0 << 59)
            value.0 >>= 5
        }
        return out
    }
}

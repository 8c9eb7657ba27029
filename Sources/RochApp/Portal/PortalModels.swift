import Foundation
import RochCore
import RochStore

// The portal's JSON. Field names are a contract (docs/portal-api.yaml); tests check them against it.

/// `GET /api/portal/session`.
struct PortalSessionView: Encodable {
    let signedIn: Bool
    let clientName: String?
    let expiresAt: Date?
    enum CodingKeys: String, CodingKey { case signedIn = "signed_in", clientName = "client_name", expiresAt = "expires_at" }
}

/// `GET /api/portal/bookings`.
struct PortalBookingList: Encodable {
    let clientName: String
    let bookings: [PortalBookingSummary]
    let lastEventID: Int64
    enum CodingKeys: String, CodingKey { case clientName = "client_name", bookings, lastEventID = "last_event_id" }
}

struct PortalBookingSummary: Encodable {
    let id: String
    let event: PortalEventInfo
    let status: PortalStatusView
}

struct PortalEventInfo: Encodable {
    let type: String
    let label: String
    let date: String
    let dateLabel: String
    let startTime: String?
    let city: String
    let venue: String?
    let guests: Int
    enum CodingKeys: String, CodingKey {
        case type, label, date, dateLabel = "date_label", startTime = "start_time", city, venue, guests
    }

    init(_ b: BookingRecord) {
        type = b.eventType
        label = EventType(rawValue: b.eventType)?.label ?? b.eventType
        date = b.eventDate.description
        dateLabel = NotificationFormat.date(b.eventDate)
        startTime = b.eventStartTime
        city = b.city
        venue = b.venue
        guests = b.guests
    }
}

struct PortalStatusView: Encodable {
    let state: String
    let label: String
    /// 0 (enquiry) ... 5 (completed); null when cancelled.
    let ordinal: Int?
    let steps: [PortalStepView]
    let cancelledFrom: String?
    enum CodingKeys: String, CodingKey { case state, label, ordinal, steps, cancelledFrom = "cancelled_from" }

    init(state: BookingState, cancelledFrom: BookingState?) {
        let p = PortalProgress(state: state, cancelledFrom: cancelledFrom)
        self.state = state.rawValue
        label = state.label
        ordinal = p.ordinal
        steps = p.steps.map { PortalStepView(state: $0.state.rawValue, label: $0.label, position: $0.position) }
        self.cancelledFrom = cancelledFrom?.rawValue
    }
}

struct PortalStepView: Encodable {
    let state: String
    let label: String
    let position: String
}

/// One timeline entry, as the JSON and the event stream carry it.
struct PortalTimelineEntry: Encodable {
    let id: Int64
    let booking: String
    let kind: String
    let title: String
    let body: String
    let data: JSONValue
    let createdAt: Date
    /// e.g. "Sunday, 14 February 2027 at 6:30 pm IST".
    let createdAtIST: String
    enum CodingKeys: String, CodingKey {
        case id, booking, kind, title, body, data, createdAt = "created_at", createdAtIST = "created_at_ist"
    }

    init(_ e: PortalEventRecord, bookingPublicID: String) {
        id = e.id
        booking = bookingPublicID
        kind = e.kind
        title = e.title
        body = e.body
        data = JSONValue.parse(e.data)
        createdAt = e.createdAt
        createdAtIST = NotificationFormat.dateTime(e.createdAt)
    }
}

struct PortalUpcomingView: Encodable {
    let kind: String
    let title: String
    let date: String
    let dateLabel: String
    enum CodingKeys: String, CodingKey { case kind, title, date, dateLabel = "date_label" }
}

struct PortalPaymentsView: Encodable {
    let currency = "INR"
    let totalPaise: Int64
    let paidPaise: Int64
    let duePaise: Int64
    let total: String
    let paid: String
    let due: String
    let schedule: [PortalPaymentMilestoneView]
    let receipts: [PortalReceiptView]
    enum CodingKeys: String, CodingKey {
        case currency, totalPaise = "total_paise", paidPaise = "paid_paise", duePaise = "due_paise", total, paid, due, schedule, receipts
    }
}

struct PortalPaymentMilestoneView: Encodable {
    /// The milestone's public id (what the payment return's `milestone=` names).
    let id: String
    let label: String
    let amountPaise: Int64
    let amount: String
    let amountPaidPaise: Int64
    let dueDate: String?
    let status: String
    let statusLabel: String
    let payURL: String?
    enum CodingKeys: String, CodingKey {
        case id, label, amountPaise = "amount_paise", amount, amountPaidPaise = "amount_paid_paise", dueDate = "due_date", status,
             statusLabel = "status_label", payURL = "pay_url"
    }
}

struct PortalReceiptView: Encodable {
    let number: String
    let amountPaise: Int64
    let amount: String
    let issuedOn: String
    let url: String?
    enum CodingKeys: String, CodingKey { case number, amountPaise = "amount_paise", amount, issuedOn = "issued_on", url }
}

struct PortalVendorView: Encodable {
    let id: Int64
    let role: String
    let status: String
    let statusLabel: String
    let milestoneText: String?
    let milestoneDate: String?
    let updatedAt: Date
    enum CodingKeys: String, CodingKey {
        case id, role, status, statusLabel = "status_label", milestoneText = "milestone_text",
             milestoneDate = "milestone_date", updatedAt = "updated_at"
    }
}

struct PortalContactView: Encodable {
    let name: String
    let phone: String?
    let email: String?
    let whatsAppURL: String?
    let isCoordinator: Bool
    enum CodingKeys: String, CodingKey {
        case name, phone, email, whatsAppURL = "whatsapp_url", isCoordinator = "is_coordinator"
    }
}

struct PortalDocumentView: Encodable {
    let kind: String
    let title: String
    let url: String
}

/// `GET /api/portal/bookings/{id}`: everything the portal page shows for one booking.
struct PortalBookingDetail: Encodable {
    let id: String
    let event: PortalEventInfo
    let status: PortalStatusView
    let timeline: [PortalTimelineEntry]
    let upcoming: [PortalUpcomingView]
    let payments: PortalPaymentsView
    let vendors: [PortalVendorView]
    let contact: PortalContactView
    let documents: [PortalDocumentView]
    let lastEventID: Int64
    enum CodingKeys: String, CodingKey {
        case id, event, status, timeline, upcoming, payments, vendors, contact, documents, lastEventID = "last_event_id"
    }
}

/// Arbitrary JSON (a timeline entry's `data`), passed through as it was stored.
enum JSONValue: Encodable {
    case null, bool(Bool), number(Double), string(String), array([JSONValue]), object([String: JSONValue])

    static func parse(_ text: String) -> JSONValue {
        guard let any = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) else { return .object([:]) }
        return from(any)
    }

    static func from(_ any: Any) -> JSONValue {
        switch any {
        case let n as NSNumber:
            // JSONSerialization gives booleans as NSNumber whose type is `c` (char), on Linux and Darwin
            if String(cString: n.objCType) == "c" { return .bool(n.boolValue) }
            return .number(n.doubleValue)
        case let s as String: return .string(s)
        case let a as [Any]: return .array(a.map(from))
        case let o as [String: Any]: return .object(o.mapValues(from))
        default: return .null
        }
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .number(let d):
            if d == d.rounded(), abs(d) < 9e15 { try c.encode(Int64(d)) } else { try c.encode(d) }
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }
}

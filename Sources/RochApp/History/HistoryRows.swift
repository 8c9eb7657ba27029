import Foundation
import RochCore

/// One generated history, every row with its id, ready to load (`HistorySeed`). Rows that happen
/// in time (transitions, tasks, timeline, payments, notifications) get ids in time order, as
/// they would have in production.
public struct HistoryDataset: Sendable, Equatable {
    struct Client: Sendable, Equatable {
        var id: Int64, phone: String, name: String, email: String?, consent: Bool, createdAt: Date
    }
    struct Booking: Sendable, Equatable {
        var id: Int64, publicID: String, clientID: Int64, state: BookingState, eventType: String, eventDate: CalendarDay
        var startTime: String?, city: String, venue: String?, guests: Int, budget: String, coordinatorID: Int64?
        var createdAt: Date, updatedAt: Date
    }
    struct Transition: Sendable, Equatable {
        var id: Int64 = 0
        var bookingID: Int64, from: BookingState?, to: BookingState, event: String, actor: String, at: Date
    }
    struct Task: Sendable, Equatable {
        var id: Int64 = 0
        var bookingID: Int64, title: String, role: String, assigneeID: Int64?, dueAt: Date, doneAt: Date?, createdAt: Date
    }
    struct TimelineEntry: Sendable, Equatable {
        var id: Int64 = 0
        var bookingID: Int64, kind: String, title: String, createdAt: Date
    }
    struct Proposal: Sendable, Equatable {
        var id: Int64, bookingID: Int64, publicID: String, total: Money, status: String, createdAt: Date, acceptedAt: Date?
    }
    struct Milestone: Sendable, Equatable {
        var id: Int64, publicID: String, proposalID: Int64, bookingID: Int64, sequence: Int, label: String, amount: Money
        var dueOn: CalendarDay, dueRule: String, status: PaymentMilestoneStatus, paid: Money, refunded: Money
        var note: String?, flag: String?, flaggedAt: Date?, paidAt: Date?, createdAt: Date
    }
    struct Payment: Sendable, Equatable {
        var id: Int64 = 0
        var razorpayID: String, milestoneID: Int64, amount: Money, status: String, method: String
        var errorCode: String?, errorDescription: String?, capturedAt: Date?, createdAt: Date
    }
    struct Refund: Sendable, Equatable {
        var id: Int64, razorpayID: String, paymentRazorpayID: String, amount: Money, createdAt: Date
    }
    struct Invoice: Sendable, Equatable {
        var id: Int64, token: String, number: String, financialYear: String, sequence: Int, bookingID: Int64
        var milestoneID: Int64, paymentID: Int64, amount: Money, net: Money, tax: Money, issuedOn: CalendarDay, issuedAt: Date
    }
    struct Vendor: Sendable, Equatable {
        var id: Int64, name: String, category: String, phone: String
    }
    struct Assignment: Sendable, Equatable {
        var id: Int64, bookingID: Int64, vendorID: Int64, role: String, status: VendorAssignmentStatus
        var milestoneDate: CalendarDay, milestoneText: String?, agreed: Money, paid: Money, paymentDueOn: CalendarDay, createdAt: Date
    }
    struct Dependency: Sendable, Equatable {
        var dependent: Int64, required: Int64, bookingID: Int64
    }
    struct VendorPayment: Sendable, Equatable {
        var id: Int64, assignmentID: Int64, amount: Money, paidOn: CalendarDay, method: String
    }
    struct Notification: Sendable, Equatable {
        var id: Int64 = 0
        var key: String, moment: NotificationMoment, bookingID: Int64, role: RecipientRole, name: String?
        var channel: String, address: String?, parameters: String, status: String, dueAt: Date, attempts: Int
        var providerMessageID: String?, lastError: String?, createdAt: Date, sentAt: Date?
    }

    var clients: [Client] = []
    var bookings: [Booking] = []
    var transitions: [Transition] = []
    var tasks: [Task] = []
    var timeline: [TimelineEntry] = []
    var proposals: [Proposal] = []
    var milestones: [Milestone] = []
    var payments: [Payment] = []
    var refunds: [Refund] = []
    var invoices: [Invoice] = []
    var vendors: [Vendor] = []
    var assignments: [Assignment] = []
    var dependencies: [Dependency] = []
    var vendorPayments: [VendorPayment] = []
    var notifications: [Notification] = []

    /// Rows per table, for the summary line and tests.
    public var counts: [String: Int] {
        ["clients": clients.count, "bookings": bookings.count, "booking_transitions": transitions.count, "tasks": tasks.count,
         "portal_events": timeline.count, "proposals": proposals.count, "payment_milestones": milestones.count,
         "payments": payments.count, "refunds": refunds.count, "invoices": invoices.count, "vendors": vendors.count,
         "vendor_assignments": assignments.count, "vendor_dependencies": dependencies.count,
         "vendor_payments": vendorPayments.count, "notifications": notifications.count]
    }
}

extension SeededRandom {
    /// A lower-case base32 id like `PublicID.make()`, from this generator (26 characters).
    mutating func publicID() -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567")
        return String((0..<26).map { _ in alphabet[Int(next() & 31)] })
    }
}

/// Instants of the generated history (India wall-clock times).
enum HistoryTime {
    /// `day` at `minutes` past midnight in India.
    static func at(_ day: CalendarDay, minutes: Int) -> Date {
        Date(timeIntervalSince1970: TimeInterval(day.daysSinceEpoch * 86_400 + minutes * 60 - IST.offsetSeconds))
    }

    static func day(_ date: Date) -> CalendarDay { IST.day(of: date) }

    /// A random instant in `from...to` (whole seconds); `from` when the range is empty.
    static func between(_ from: Date, _ to: Date, _ rng: inout SeededRandom) -> Date {
        let a = Int64(from.timeIntervalSince1970), b = Int64(to.timeIntervalSince1970)
        guard b > a else { return Date(timeIntervalSince1970: TimeInterval(a)) }
        return Date(timeIntervalSince1970: TimeInterval(Int64.random(in: a...b, using: &rng)))
    }
}

import Foundation
import RochCore

/// Everything the team's read-only booking page shows about one booking, section by section.
/// Every list is oldest first except where a section says otherwise.
public struct BookingDossier: Sendable, Equatable {
    public var booking: Booking
    public var client: Client
    /// What the enquiry form said when it differs from the client record (nil when it does not, or
    /// when the database does not keep what was submitted; see `BookingDossierQueries`).
    public var submitted: SubmittedDetails?
    /// Every accepted state change, the creation first.
    public var history: [StateChange]
    /// The client's timeline as the portal shows it (all entries, oldest first).
    public var timeline: [PortalEventRecord]
    /// The payment schedule of the current (not superseded) proposal, in plan order.
    public var milestones: [PaymentMilestoneRecord]
    /// Money received (captured, or captured and later refunded) for any of the booking's milestones.
    public var payments: [ReceivedPayment]
    /// Every vendor assignment by id, with what holds it up.
    public var vendors: [Vendor]
    /// Open tasks first (soonest due first), then done ones (latest done first).
    public var tasks: [TeamTask]
    /// The latest audit rows about the booking, its milestones and vendor assignments (at most
    /// `BookingDossierQueries.auditLimit`, oldest of them first; the audit page has the rest).
    public var audit: [AuditEntry]

    /// The booking itself, as the client wrote it and as agreed since.
    public struct Booking: Sendable, Equatable {
        public var id: Int64
        public var publicID: String
        public var state: BookingState
        public var eventType: String
        public var eventDate: CalendarDay
        /// "HH:MM" in India, once agreed.
        public var eventStartTime: String?
        public var city: String
        public var venue: String?
        public var guests: Int
        public var budget: String
        public var services: [String]
        /// Exactly as the client typed them (render escaped).
        public var notes: String?
        /// Where it came from: the enquiry form records the visitor's address; nil for bookings made
        /// another way (demo data, imports).
        public var sourceIP: String?
        /// True when the enquiry form made it (it always sends an idempotency key).
        public var fromEnquiryForm: Bool
        public var coordinatorID: Int64?
        public var coordinatorName: String?
        public var createdAt: Date
        public var updatedAt: Date
    }

    /// The client as stored now (deduplicated by phone, so shared by their bookings).
    public struct Client: Sendable, Equatable {
        public var id: Int64
        public var name: String
        /// E.164.
        public var phone: String
        public var email: String?
        public var whatsAppConsent: Bool
        public var whatsAppConsentAt: Date?
        /// Their last WhatsApp message to us (opens the 24 h window for free-form replies).
        public var lastInboundAt: Date?
    }

    /// What this booking's enquiry form submitted, where it differs from the client record; a nil
    /// field was not submitted or equals the client's.
    public struct SubmittedDetails: Sendable, Equatable {
        public var name: String?
        public var email: String?
        public var whatsAppConsent: Bool?

        public init(name: String? = nil, email: String? = nil, whatsAppConsent: Bool? = nil) {
            self.name = name
            self.email = email
            self.whatsAppConsent = whatsAppConsent
        }
    }

    /// One accepted transition of the lifecycle.
    public struct StateChange: Sendable, Equatable {
        /// Nil for the creation of the booking.
        public var from: BookingState?
        public var to: BookingState
        public var event: String
        public var actor: String
        public var note: String?
        public var at: Date
    }

    /// A payment as received, with its receipt.
    public struct ReceivedPayment: Sendable, Equatable {
        public var razorpayPaymentID: String
        public var milestoneLabel: String
        public var amount: Money
        public var currency: String
        /// 'captured' or 'refunded'.
        public var status: String
        /// 'upi', 'card', 'netbanking', ... as Razorpay reports it.
        public var method: String?
        /// When it was captured (or first reported, if Razorpay never said).
        public var at: Date
        /// RE/2026-27/0001; nil until the payment is counted and its receipt issued.
        public var receiptNumber: String?
        /// The printable receipt's unguessable token.
        public var receiptToken: String?
    }

    /// A vendor on the booking and, if it is waiting on unfinished work, why.
    public struct Vendor: Sendable, Equatable {
        public var assignment: VendorAssignmentRecord
        public var blocked: BlockedVendorAssignment?
    }

    /// Work for the team on this booking.
    public struct TeamTask: Sendable, Equatable {
        public var id: Int64
        public var title: String
        /// 'coordinator', 'accounts', ...
        public var assigneeRole: String
        public var assigneeID: Int64?
        public var assigneeName: String?
        public var dueAt: Date?
        public var doneAt: Date?
        public var createdAt: Date

        public var isDone: Bool { doneAt != nil }
    }
}

import Foundation

/// What is submitted to Meta for one template of the notification catalogue (POST
/// /{WABA_ID}/message_templates): the body with {{1}}, {{2}}... and an example for every variable,
/// which Meta requires. Every catalogue message is transactional: category UTILITY.
public struct WhatsAppTemplateDefinition: Sendable, Equatable {
    public var name: String
    public var language: String
    public var category: String
    public var bodyText: String
    public var bodyExamples: [String]

    public init(_ template: WhatsAppTemplate, category: String = "UTILITY") {
        name = template.name
        language = template.languageCode
        self.category = category
        bodyText = template.approvalText
        bodyExamples = template.bodyParameterKeys.map { WhatsAppTemplateDefinition.examples[$0] ?? "" }
    }

    /// Every WhatsApp template of the catalogue, once each (name and language), in catalogue order.
    public static func catalogue(_ entries: [NotificationTemplate] = NotificationCatalogue.entries) -> [WhatsAppTemplateDefinition] {
        var seen = Set<String>()
        return entries.map { WhatsAppTemplateDefinition($0.whatsApp) }.filter { seen.insert("\($0.name)/\($0.language)").inserted }
    }

    /// Parameter keys without an example (Meta refuses a template with a variable and no example).
    public var missingExamples: [Int] { bodyExamples.indices.filter { bodyExamples[$0].isEmpty } }

    /// A realistic value for each catalogue parameter, shown to Meta's reviewers.
    public static let examples: [String: String] = [
        "client_name": "Ananya", "event_type": "wedding", "event_date": "Sunday, 14 February 2027", "city": "Jaipur",
        "guests": "250", "budget": "₹10–25 lakh", "phone": "+91 98765 43210", "email": "ananya@example.com",
        "admin_link": "https://rochevents.in/admin/bookings/7QX2M", "coordinator_name": "Priya",
        "coordinator_phone": "+91 98200 99999", "call_time": "Monday, 8 February 2027 at 11:00 am IST",
        "total_amount": "₹12,50,000", "proposal_link": "https://rochevents.in/portal/p/7QX2M",
        "milestone_label": "Deposit", "amount": "₹3,75,000", "due_date": "Monday, 15 February 2027",
        "payment_link": "https://rzp.io/i/nxrHnLJ", "receipt_number": "RE/2026-27/0042",
        "invoice_link": "https://rochevents.in/api/razorpay-webhook/receipt/7QX2M", "portal_link": "https://rochevents.in/portal/",
        "vendor_role": "decorator", "milestone_text": "Mandap design approved", "vendor_name": "Shree Decorators",
        "blocked_reason": "waiting for the venue's floor plan", "update_link": "https://rochevents.in/vendor/u/7QX2M",
        "due_status": "due in 3 days", "event_time": "6:30 pm IST", "venue": "Rambagh Palace, Jaipur",
        "review_link": "https://rochevents.in/review", "link_expiry": "7 days", "failed_moment": "payment reminder",
        "failed_recipient": "client", "failure_reason": "the number is not on WhatsApp",
        "event_when": "Saturday, 20 February 2027 at 6:30 pm IST", "previous_when": "Sunday, 14 February 2027 at 7:00 pm IST",
        "task_title": "Prepare proposal", "task_due": "Wednesday, 10 February 2027 at 11:00 am IST",
    ]
}

/// Meta's approval status of each template, and whether the worker may send a message with it.
public struct WhatsAppTemplateApprovals: Sendable, Equatable {
    public enum Decision: Sendable, Equatable {
        case send
        /// Keep the message (status `held`) until Meta approves the template.
        case hold(reason: String)
    }

    /// "name/language" -> status as Meta reports it (APPROVED, PENDING, REJECTED, PAUSED, DISABLED...).
    public var statuses: [String: String]

    public init(statuses: [String: String] = [:]) { self.statuses = statuses }

    public static func key(_ name: String, _ language: String) -> String { "\(name)/\(language)" }

    /// No status recorded at all (templates never synced: development, tests, an installation that
    /// manages templates by hand): every message is sent, as before. Once statuses are recorded,
    /// only templates Meta approved are sent; the others (pending, rejected, paused, disabled, or
    /// not submitted yet) are held.
    public func decision(template name: String, language: String) -> Decision {
        guard !statuses.isEmpty else { return .send }
        guard let status = statuses[Self.key(name, language)] else {
            return .hold(reason: "held: template \(name) (\(language)) has not been submitted to Meta (roch whatsapp templates sync)")
        }
        return status == "APPROVED" ? .send : .hold(reason: "held: template \(name) (\(language)) is \(status) at Meta")
    }

    /// The status a `message_template_status_update` event leaves a template in (nil: not a status change).
    public static func status(afterEvent event: String) -> String? {
        switch event.uppercased() {
        case "APPROVED", "REINSTATED": "APPROVED"
        case "REJECTED", "PAUSED", "DISABLED", "PENDING", "PENDING_DELETION", "FLAGGED", "IN_APPEAL", "LIMIT_EXCEEDED": event.uppercased()
        default: nil
        }
    }
}

/// Every message the platform sends, per moment and recipient, as one declarative table.
///
/// Parameter values arrive preformatted: amounts as `Money.inr` ("₹1,25,000"), dates and times
/// with `NotificationFormat` (India time, e.g. "Sunday, 14 February 2027", "6:30 pm IST").
/// WhatsApp templates are named `<moment>_<recipient>` and must be approved under that name.
public enum NotificationCatalogue {
    /// The parameters each moment provides; templates may use only these.
    public static let parameters: [NotificationMoment: Set<String>] = [
        .enquiryReceived: ["client_name", "event_type", "event_date", "city", "guests", "budget", "phone", "email", "admin_link"],
        .discussionScheduled: ["client_name", "event_type", "event_date", "coordinator_name", "coordinator_phone", "call_time", "admin_link"],
        .proposalSent: ["client_name", "event_type", "event_date", "coordinator_name", "total_amount", "proposal_link", "admin_link"],
        .paymentLinkIssued: ["client_name", "milestone_label", "amount", "due_date", "payment_link"],
        .paymentReceived: ["client_name", "milestone_label", "amount", "receipt_number", "invoice_link", "portal_link", "admin_link"],
        .bookingConfirmed: ["client_name", "event_type", "event_date", "coordinator_name", "coordinator_phone", "portal_link", "admin_link"],
        .vendorMilestoneUpdated: ["client_name", "vendor_role", "milestone_text", "portal_link", "admin_link"],
        .vendorBlocked: ["client_name", "event_date", "vendor_name", "blocked_reason", "update_link", "admin_link"],
        .paymentDueReminder: ["client_name", "milestone_label", "amount", "due_date", "due_status", "payment_link", "admin_link"],
        .eventReminder48h: ["client_name", "event_type", "event_date", "event_time", "venue", "coordinator_name", "coordinator_phone", "admin_link"],
        .eventReminder2h: ["client_name", "event_type", "event_time", "venue", "coordinator_name", "coordinator_phone", "admin_link"],
        .eventCompleted: ["client_name", "event_type", "review_link", "admin_link"],
        .bookingCancelled: ["client_name", "event_type", "event_date", "coordinator_name", "coordinator_phone", "admin_link"],
        .portalLinkRequested: ["client_name", "portal_link", "link_expiry"],
        .deliveryFailed: ["client_name", "failed_moment", "failed_recipient", "failure_reason", "admin_link"],
        .paymentFailed: ["client_name", "milestone_label", "amount", "due_date", "failure_reason", "payment_link"],
        .startTimeMissing: ["client_name", "event_type", "event_date", "venue", "admin_link"],
    ]

    private static let signature = "\n\nWarm regards,\nTeam Roch Events"

    private static func entry(_ moment: NotificationMoment, _ recipient: RecipientRole, whatsApp keys: [String], _ body: String,
                              subject: String, email: String) -> NotificationTemplate {
        NotificationTemplate(moment: moment, recipient: recipient,
                             whatsApp: WhatsAppTemplate(name: "\(moment.rawValue)_\(recipient.rawValue)", bodyParameterKeys: keys, body: body),
                             email: EmailTemplate(subject: subject, text: email + (recipient == .client || recipient == .vendor ? signature : "")))
    }

    /// The catalogue. Order: moments as in `NotificationMoment`, client first.
    public static let entries: [NotificationTemplate] = [
        entry(.enquiryReceived, .client, whatsApp: ["client_name", "event_type", "event_date"],
              "Namaste {{client_name}}, thank you for choosing Roch Events for your {{event_type}} on {{event_date}}! Our team will call you within 24 hours to understand your plans.",
              subject: "We have received your enquiry, {{client_name}}",
              email: "Namaste {{client_name}},\n\nThank you for reaching out to Roch Events about your {{event_type}} on {{event_date}} in {{city}}. We are delighted you thought of us.\n\nOne of our planners will call you on {{phone}} within 24 hours to understand your ideas, guest list and budget. If anything changes before then, simply reply to this email."),
        entry(.enquiryReceived, .team, whatsApp: ["client_name", "event_type", "event_date", "city", "guests", "phone", "admin_link"],
              "New lead: {{client_name}}, {{event_type}} on {{event_date}} in {{city}} for {{guests}} guests. Call {{phone}} within 24 h: {{admin_link}}",
              subject: "New lead: {{client_name}}, {{event_type}} on {{event_date}}",
              email: "A new enquiry has arrived.\n\nClient: {{client_name}}\nPhone: {{phone}}\nEmail: {{email}}\nEvent: {{event_type}} on {{event_date}} in {{city}}\nGuests: {{guests}}\nBudget: {{budget}}\n\nPlease call the client within 24 hours: {{admin_link}}"),

        entry(.discussionScheduled, .client, whatsApp: ["client_name", "coordinator_name", "call_time", "coordinator_phone"],
              "Hello {{client_name}}, {{coordinator_name}} from Roch Events will call you on {{call_time}} to discuss your celebration. You can reach {{coordinator_name}} on {{coordinator_phone}}.",
              subject: "Your planning call with {{coordinator_name}}",
              email: "Hello {{client_name}},\n\n{{coordinator_name}} will be your coordinator for your {{event_type}} on {{event_date}}, and will call you on {{call_time}} to talk through your ideas, dates and budget.\n\nIf that time does not suit you, call or message {{coordinator_name}} on {{coordinator_phone}}."),
        entry(.discussionScheduled, .coordinator, whatsApp: ["client_name", "call_time", "admin_link"],
              "Discussion scheduled with {{client_name}} on {{call_time}}. Booking: {{admin_link}}",
              subject: "Discussion with {{client_name}} on {{call_time}}",
              email: "You are the coordinator for {{client_name}}'s {{event_type}} on {{event_date}}.\n\nThe discussion call is on {{call_time}}. Prepare the proposal within 72 hours of the call.\n\nBooking: {{admin_link}}"),

        entry(.proposalSent, .client, whatsApp: ["client_name", "event_type", "total_amount", "proposal_link"],
              "Hello {{client_name}}, your proposal for your {{event_type}} is ready. Total: {{total_amount}}. Review it and pay the deposit to confirm your date: {{proposal_link}}",
              subject: "Your Roch Events proposal is ready",
              email: "Hello {{client_name}},\n\nThank you for the lovely conversation. Your proposal for your {{event_type}} on {{event_date}} is ready, with a total of {{total_amount}} and the payment schedule.\n\nReview it here: {{proposal_link}}\n\nYour date is confirmed once the deposit is received. {{coordinator_name}} is happy to answer any questions."),
        entry(.proposalSent, .coordinator, whatsApp: ["client_name", "total_amount", "admin_link"],
              "Proposal sent to {{client_name}} for {{total_amount}}. Follow up within 72 h: {{admin_link}}",
              subject: "Proposal sent to {{client_name}} ({{total_amount}})",
              email: "The proposal for {{client_name}}'s {{event_type}} on {{event_date}} has been sent, total {{total_amount}}.\n\nFollow up within 72 hours if the deposit has not arrived: {{admin_link}}"),

        entry(.paymentLinkIssued, .client, whatsApp: ["client_name", "milestone_label", "amount", "due_date", "payment_link"],
              "Hello {{client_name}}, here is your secure payment link for the {{milestone_label}} of {{amount}}, due on {{due_date}}: {{payment_link}}",
              subject: "Payment link: {{milestone_label}} of {{amount}}",
              email: "Hello {{client_name}},\n\nYour {{milestone_label}} of {{amount}} is due on {{due_date}}. You can pay securely by UPI, card or net banking through Razorpay:\n\n{{payment_link}}\n\nYou will receive a receipt as soon as the payment is confirmed."),

        entry(.paymentReceived, .client, whatsApp: ["client_name", "amount", "milestone_label", "receipt_number", "invoice_link"],
              "Thank you {{client_name}}! We have received {{amount}} towards your {{milestone_label}}. Receipt {{receipt_number}}: {{invoice_link}}",
              subject: "Payment received: {{amount}} (receipt {{receipt_number}})",
              email: "Hello {{client_name}},\n\nThank you! We have received {{amount}} towards your {{milestone_label}}.\n\nReceipt number: {{receipt_number}}\nDownload your invoice: {{invoice_link}}\n\nYour payment schedule is always up to date in your portal: {{portal_link}}"),
        entry(.paymentReceived, .team, whatsApp: ["amount", "client_name", "milestone_label", "admin_link"],
              "Payment received: {{amount}} from {{client_name}} ({{milestone_label}}). {{admin_link}}",
              subject: "Payment received: {{amount}} from {{client_name}}",
              email: "{{client_name}} paid {{amount}} towards the {{milestone_label}}.\n\nReceipt: {{receipt_number}}\nBooking: {{admin_link}}"),

        entry(.bookingConfirmed, .client, whatsApp: ["client_name", "event_type", "event_date", "coordinator_name", "coordinator_phone", "portal_link"],
              "Congratulations {{client_name}}, your {{event_type}} on {{event_date}} is confirmed! {{coordinator_name}} ({{coordinator_phone}}) is your coordinator. Follow every step here: {{portal_link}}",
              subject: "Your {{event_type}} on {{event_date}} is confirmed",
              email: "Dear {{client_name}},\n\nWonderful news: your {{event_type}} on {{event_date}} is confirmed and the date is reserved for you.\n\nYour coordinator is {{coordinator_name}}, reachable on {{coordinator_phone}}. We are now booking your vendors; you can follow every milestone and payment in your portal:\n\n{{portal_link}}"),
        entry(.bookingConfirmed, .team, whatsApp: ["client_name", "event_type", "event_date", "admin_link"],
              "Booking confirmed: {{client_name}}, {{event_type}} on {{event_date}}. Book vendors within 72 h: {{admin_link}}",
              subject: "Confirmed: {{client_name}}, {{event_type}} on {{event_date}}",
              email: "The deposit has arrived and {{client_name}}'s {{event_type}} on {{event_date}} is confirmed.\n\nCoordinator: {{coordinator_name}}\nNext: book the vendors within 72 hours.\n\n{{admin_link}}"),

        entry(.vendorMilestoneUpdated, .client, whatsApp: ["client_name", "milestone_text", "portal_link"],
              "Hello {{client_name}}, an update on your celebration: {{milestone_text}}. See all progress here: {{portal_link}}",
              subject: "Update: {{milestone_text}}",
              email: "Hello {{client_name}},\n\nGood news from your {{vendor_role}}: {{milestone_text}}.\n\nYou can see every vendor's progress in your portal: {{portal_link}}"),
        entry(.vendorMilestoneUpdated, .coordinator, whatsApp: ["vendor_role", "client_name", "milestone_text", "admin_link"],
              "{{vendor_role}} for {{client_name}}: {{milestone_text}}. {{admin_link}}",
              subject: "{{vendor_role}} update for {{client_name}}",
              email: "The {{vendor_role}} for {{client_name}} reported: {{milestone_text}}.\n\n{{admin_link}}"),

        entry(.vendorBlocked, .coordinator, whatsApp: ["client_name", "event_date", "blocked_reason", "admin_link"],
              "Blocked for {{client_name}} ({{event_date}}): {{blocked_reason}}. Please unblock: {{admin_link}}",
              subject: "Blocked: {{blocked_reason}}",
              email: "A vendor for {{client_name}}'s event on {{event_date}} is blocked:\n\n{{blocked_reason}}\n\nPlease chase the vendor it waits on: {{admin_link}}"),
        entry(.vendorBlocked, .vendor, whatsApp: ["vendor_name", "client_name", "event_date", "blocked_reason", "update_link"],
              "Hello {{vendor_name}}, work for {{client_name}}'s event on {{event_date}} is waiting on you: {{blocked_reason}}. Please update your status here: {{update_link}}",
              subject: "Waiting on you: {{client_name}}, {{event_date}}",
              email: "Hello {{vendor_name}},\n\nOther vendors for {{client_name}}'s event on {{event_date}} are waiting on your part:\n\n{{blocked_reason}}\n\nPlease update your status as soon as you can: {{update_link}}"),

        entry(.paymentDueReminder, .client, whatsApp: ["client_name", "milestone_label", "amount", "due_status", "payment_link"],
              "Hello {{client_name}}, a gentle reminder: your {{milestone_label}} of {{amount}} is {{due_status}}. Pay securely here: {{payment_link}}",
              subject: "Reminder: {{milestone_label}} of {{amount}} is {{due_status}}",
              email: "Hello {{client_name}},\n\nA gentle reminder that your {{milestone_label}} of {{amount}} is {{due_status}}.\n\nPay securely by UPI, card or net banking: {{payment_link}}\n\nIf you have already paid, thank you, and please ignore this message."),
        entry(.paymentDueReminder, .team, whatsApp: ["client_name", "milestone_label", "amount", "due_date", "admin_link"],
              "Overdue: {{client_name}}'s {{milestone_label}} of {{amount}} was due on {{due_date}}. {{admin_link}}",
              subject: "Overdue: {{client_name}}, {{milestone_label}} of {{amount}}",
              email: "{{client_name}}'s {{milestone_label}} of {{amount}} was due on {{due_date}} and has not been paid.\n\nPlease call the client: {{admin_link}}"),

        entry(.eventReminder48h, .client, whatsApp: ["client_name", "event_type", "event_date", "event_time", "venue", "coordinator_name", "coordinator_phone"],
              "Hello {{client_name}}, your {{event_type}} is almost here: {{event_date}} at {{event_time}}, {{venue}}. {{coordinator_name}} is on call for you at {{coordinator_phone}}.",
              subject: "Two days to go: your {{event_type}} on {{event_date}}",
              email: "Hello {{client_name}},\n\nYour {{event_type}} is just two days away: {{event_date}} at {{event_time}}, at {{venue}}.\n\nEverything is on track. {{coordinator_name}} is on call for you at {{coordinator_phone}} for anything at all."),
        entry(.eventReminder48h, .coordinator, whatsApp: ["client_name", "event_date", "event_time", "venue", "admin_link"],
              "In 48 h: {{client_name}}, {{event_date}} at {{event_time}}, {{venue}}. Check every vendor: {{admin_link}}",
              subject: "In 48 hours: {{client_name}}, {{event_date}}",
              email: "{{client_name}}'s {{event_type}} is on {{event_date}} at {{event_time}}, at {{venue}}.\n\nConfirm every vendor's arrival time today: {{admin_link}}"),

        entry(.eventReminder2h, .client, whatsApp: ["client_name", "event_type", "event_time", "coordinator_name", "coordinator_phone"],
              "Hello {{client_name}}, your {{event_type}} begins at {{event_time}}. We are ready for you! {{coordinator_name}} is at the venue: {{coordinator_phone}}.",
              subject: "Today at {{event_time}}: your {{event_type}}",
              email: "Hello {{client_name}},\n\nYour {{event_type}} begins at {{event_time}} at {{venue}}. Everything is ready for you.\n\n{{coordinator_name}} is at the venue and reachable on {{coordinator_phone}}. Enjoy every moment!"),
        entry(.eventReminder2h, .coordinator, whatsApp: ["event_time", "client_name", "venue", "admin_link"],
              "Starting at {{event_time}}: {{client_name}} at {{venue}}. {{admin_link}}",
              subject: "Starting at {{event_time}}: {{client_name}}",
              email: "{{client_name}}'s {{event_type}} starts at {{event_time}} at {{venue}}.\n\n{{admin_link}}"),

        entry(.eventCompleted, .client, whatsApp: ["client_name", "event_type", "review_link"],
              "Thank you {{client_name}} for letting Roch Events be part of your {{event_type}}! We would be grateful if you shared your experience: {{review_link}}",
              subject: "Thank you, {{client_name}}",
              email: "Dear {{client_name}},\n\nThank you for letting us be part of your {{event_type}}. It was a joy to celebrate with you and your family.\n\nIf you have a minute, we would be grateful for a review: {{review_link}}"),
        entry(.eventCompleted, .team, whatsApp: ["client_name", "event_type", "admin_link"],
              "Completed: {{client_name}}'s {{event_type}}. Settle vendor payments within 7 days: {{admin_link}}",
              subject: "Completed: {{client_name}}'s {{event_type}}",
              email: "{{client_name}}'s {{event_type}} is complete.\n\nSettle the vendor payments within 7 days: {{admin_link}}"),

        entry(.bookingCancelled, .client, whatsApp: ["client_name", "event_type", "event_date", "coordinator_name", "coordinator_phone"],
              "Hello {{client_name}}, your {{event_type}} booking for {{event_date}} has been cancelled. {{coordinator_name}} ({{coordinator_phone}}) will contact you about next steps.",
              subject: "Your booking for {{event_date}} has been cancelled",
              email: "Hello {{client_name}},\n\nAs discussed, your {{event_type}} booking for {{event_date}} has been cancelled and all reminders have been stopped.\n\n{{coordinator_name}} will contact you about any refund due under your agreement; you can also call {{coordinator_phone}}."),
        entry(.bookingCancelled, .team, whatsApp: ["client_name", "event_type", "event_date", "admin_link"],
              "Cancelled: {{client_name}}, {{event_type}} on {{event_date}}. {{admin_link}}",
              subject: "Cancelled: {{client_name}}, {{event_date}}",
              email: "{{client_name}}'s {{event_type}} on {{event_date}} has been cancelled.\n\nSettle any refund and release booked vendors: {{admin_link}}"),

        entry(.portalLinkRequested, .client, whatsApp: ["client_name", "portal_link", "link_expiry"],
              "Hello {{client_name}}, here is your personal link to your Roch Events portal: {{portal_link}} It works until {{link_expiry}}. If you did not ask for it, you can ignore this message.",
              subject: "Your sign-in link to your Roch Events portal",
              email: "Hello {{client_name}},\n\nYou asked for a link to your event portal. Open it on this device to sign in:\n\n{{portal_link}}\n\nThe link works until {{link_expiry}}. Please do not forward it: anyone with the link can see your booking. If you did not ask for it, you can ignore this email."),
        entry(.deliveryFailed, .team, whatsApp: ["failed_moment", "failed_recipient", "client_name", "failure_reason", "admin_link"],
              "Message not delivered: {{failed_moment}} to {{failed_recipient}} ({{client_name}}). Reason: {{failure_reason}}. Please contact them another way: {{admin_link}}",
              subject: "Not delivered: {{failed_moment}} to {{failed_recipient}}",
              email: "A message could not be delivered and will not be retried.\n\nMessage: {{failed_moment}}\nTo: {{failed_recipient}}\nBooking: {{client_name}}\nReason: {{failure_reason}}\n\nPlease reach them another way: {{admin_link}}"),

        entry(.paymentFailed, .client, whatsApp: ["client_name", "amount", "milestone_label", "failure_reason", "payment_link"],
              "Hello {{client_name}}, your payment of {{amount}} towards your {{milestone_label}} did not go through ({{failure_reason}}). You can try again securely here: {{payment_link}}",
              subject: "Your payment of {{amount}} did not go through",
              email: "Hello {{client_name}},\n\nYour payment of {{amount}} towards your {{milestone_label}} did not go through: {{failure_reason}}.\n\nYou can try again by UPI, card or net banking here:\n\n{{payment_link}}\n\nThe {{milestone_label}} is due on {{due_date}}. If any money left your account for the failed attempt, your bank returns it automatically within 5-7 working days."),
        entry(.startTimeMissing, .coordinator, whatsApp: ["client_name", "event_type", "event_date", "admin_link"],
              "No start time is set for {{client_name}}'s {{event_type}} on {{event_date}}. Please agree it with the client and set it so the event reminders carry it: {{admin_link}}",
              subject: "Start time needed: {{client_name}}, {{event_date}}",
              email: "{{client_name}}'s {{event_type}} on {{event_date}} at {{venue}} has no start time yet.\n\nThe 48-hour reminder will say the time is still to be confirmed, and the 2-hour reminder cannot be sent without it. Please agree the start time with the client and set it on the booking: {{admin_link}}"),
    ]
}

/// A moment in a booking's life at which people are told something (WhatsApp and email).
public enum NotificationMoment: String, Sendable, Codable, CaseIterable, Hashable {
    case enquiryReceived = "enquiry_received"
    case discussionScheduled = "discussion_scheduled"
    case proposalSent = "proposal_sent"
    case paymentLinkIssued = "payment_link_issued"
    case paymentReceived = "payment_received"
    case bookingConfirmed = "booking_confirmed"
    case vendorMilestoneUpdated = "vendor_milestone_updated"
    case vendorBlocked = "vendor_blocked"
    case paymentDueReminder = "payment_due_reminder"
    case eventReminder48h = "event_reminder_48h"
    case eventReminder2h = "event_reminder_2h"
    case eventCompleted = "event_completed"
    case bookingCancelled = "booking_cancelled"
    /// A client asked for a fresh sign-in link to their portal (phone number form).
    case portalLinkRequested = "portal_link_requested"
    /// A message could not be delivered (permanent failure): the team is told once per cause and booking.
    case deliveryFailed = "delivery_failed"
    /// A client's payment attempt failed (`payment.failed`): they get a fresh way to pay.
    case paymentFailed = "payment_failed"
    /// A confirmed booking has no agreed start time: the coordinator is asked to agree it before
    /// the event reminders need it (ReminderPlan).
    case startTimeMissing = "start_time_missing"
    /// The team moved the event's date or start time: the client and the coordinator are told.
    case eventRescheduled = "event_rescheduled"
    /// An assignment stopped waiting on anyone: its coordinator is told to let the vendor go ahead.
    case vendorUnblocked = "vendor_unblocked"
    /// The team sent a vendor their signed self-service link from the vendors desk.
    case vendorLinkSent = "vendor_link_sent"
    /// A payment Roch owes a vendor passed its due date unpaid: the booking's coordinator is told.
    case vendorPaymentOverdue = "vendor_payment_overdue"
    /// The lifecycle created a task: its assignee (the booking's coordinator, or whoever holds the
    /// task's role) is told at once.
    case taskAssigned = "task_assigned"
}

/// Who receives a message for a moment.
public enum RecipientRole: String, Sendable, Codable, CaseIterable, Hashable {
    case client
    case coordinator
    case team
    case vendor
}

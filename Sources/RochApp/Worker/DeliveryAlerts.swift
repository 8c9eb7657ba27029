import Foundation
import RochCore
import RochStore

/// Tells the team when a message is definitively not delivered: one `delivery_failed` message per
/// failure cause and booking (the cause is the occurrence in the outbox key, so repeats are no-ops).
struct DeliveryAlerts: Sendable {
    let notifier: BookingNotifier

    /// Queues the alert in the caller's transaction. Alerts about alerts are not sent (no loops).
    func raise(_ c: Connection, bookingID: Int64?, moment: String, recipientRole: String, recipientName: String?,
               channel: String, address: String?, cause: String, reason: String) throws {
        guard moment != NotificationMoment.deliveryFailed.rawValue, let bookingID,
              let booking = try BookingRepository.find(c, id: bookingID) else { return }
        let who = [recipientName ?? recipientRole, "(\(recipientRole), \(channel)\(address.map { " \($0)" } ?? ""))"].joined(separator: " ")
        try notifier.notify(c, moment: .deliveryFailed, booking: booking, occurrence: cause, extra: [
            "failed_moment": moment.replacingOccurrences(of: "_", with: " "),
            "failed_recipient": who,
            "failure_reason": String(reason.prefix(300)),
        ])
    }

    /// Statuses that turned a message `failed` (a webhook from Meta) alert the team like a send failure;
    /// the cause is the WhatsApp error code.
    func raise(_ c: Connection, failedStatuses changes: [NotificationStatusChange]) throws {
        for change in changes where change.status == "failed" {
            let code = change.lastError.flatMap { $0.split(separator: ":").first }.map { $0.replacingOccurrences(of: " ", with: "_").lowercased() }
            try raise(c, bookingID: change.bookingID, moment: change.moment, recipientRole: change.recipientRole,
                      recipientName: change.recipientName, channel: change.channel, address: change.address,
                      cause: code ?? "whatsapp", reason: change.lastError ?? "failed")
        }
    }
}

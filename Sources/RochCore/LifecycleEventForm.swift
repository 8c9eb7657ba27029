import Foundation

/// What a staff member gives with a lifecycle event, checked before anything is written.
public struct LifecycleEventInput: Sendable, Equatable {
    /// Why (kept in the transition and audit rows); required to cancel.
    public var reason: String?
    /// Cancelling: whether the client is to be refunded (the accounts team's task says so).
    public var refund: Bool?
    /// Moment parameters the event brings (e.g. `call_time` for `discussion_scheduled`).
    public var parameters: [String: String]

    public init(reason: String? = nil, refund: Bool? = nil, parameters: [String: String] = [:]) {
        self.reason = reason
        self.refund = refund
        self.parameters = parameters
    }
}

/// The form behind each lifecycle button: the fields an event asks for and how they are read.
///
/// - `discuss`: `call_date` (YYYY-MM-DD) and `call_time` (HH:MM, India time), from now until the
///   event day; they become the `call_time` parameter of `discussion_scheduled`.
/// - `cancel`: `reason` (1-500 characters) and `refund` (`yes` or `no`).
/// - others: nothing (`send_proposal` sends the booking's draft proposal, which brings
///   `total_amount` and `proposal_link` itself).
public enum LifecycleEventForm {
    /// The fields each event's form shows, in order.
    public static func fields(for event: BookingEvent) -> [String] {
        switch event {
        case .discuss: ["call_date", "call_time"]
        case .cancel: ["reason", "refund"]
        case .sendProposal, .depositPaid, .startPreparation, .complete: []
        }
    }

    /// Moment parameters the event's form must supply, beyond the booking's standard ones.
    public static func suppliedParameters(for event: BookingEvent) -> Set<String> {
        event == .discuss ? ["call_time"] : []
    }

    /// Reads the event's fields (`field` answers a form value); `now` is the current instant.
    public static func parse(event: BookingEvent, _ field: (String) -> String?, now: Date,
                             eventDate: CalendarDay) -> Result<LifecycleEventInput, ValidationErrors> {
        func text(_ name: String) -> String { (field(name) ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
        var errors: [String: String] = [:]
        var input = LifecycleEventInput()
        switch event {
        case .discuss:
            let day = CalendarDay(text("call_date")), time = timeOfDay(text("call_time"))
            if day == nil { errors["call_date"] = "Give the call's date, e.g. 2026-12-10." }
            if time == nil { errors["call_time"] = "Give the call's time as hours and minutes, e.g. 18:30." }
            if let day, let time {
                if IST.instant(day, time) <= now { errors["call_date"] = "The call must be later than now." }
                else if day > eventDate { errors["call_date"] = "The call must be before the event on \(NotificationFormat.date(eventDate))." }
                else { input.parameters["call_time"] = NotificationFormat.date(day) + " at " + NotificationFormat.time(time) }
            }
        case .cancel:
            let reason = text("reason")
            if reason.isEmpty { errors["reason"] = "Say why the booking is cancelled (kept in the audit trail)." }
            else if reason.count > 500 { errors["reason"] = "Keep the reason under 500 characters." }
            else { input.reason = reason }
            switch text("refund") {
            case "yes": input.refund = true
            case "no": input.refund = false
            default: errors["refund"] = "Choose whether the client is to be refunded."
            }
        case .sendProposal, .depositPaid, .startPreparation, .complete:
            break
        }
        return errors.isEmpty ? .success(input) : .failure(ValidationErrors(fields: errors))
    }

    /// "18:30" or "9:05" -> TimeOfDay; nil for anything else.
    public static func timeOfDay(_ text: String) -> TimeOfDay? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, (1...2).contains(parts[0].count), parts[1].count == 2,
              parts.allSatisfy({ $0.allSatisfy(\.isASCIIDigit) }), let h = Int(parts[0]), let m = Int(parts[1]) else { return nil }
        return TimeOfDay(hour: h, minute: m)
    }
}

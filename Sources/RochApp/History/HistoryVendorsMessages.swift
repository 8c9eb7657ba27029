import Foundation
import RochCore
import RochStore

/// Vendors of a generated history (assignments with a dependency DAG per booking, payables paid
/// or not) and its message log (every moment, channel and status, failures with Meta's text).
extension HistoryGenerator {
    /// (role, vendor category, share of the proposal total in basis points), in the order work
    /// usually depends on: each role may wait on roles listed before it, so the graph is acyclic.
    static let roles: [(String, String, Int64)] = [
        ("Venue", "venue", 1_800), ("Caterer", "caterer", 2_200), ("Decorator", "decorator", 1_200), ("Florist", "florist", 400),
        ("Lighting and sound", "entertainment", 500), ("Photographer", "photographer", 700), ("Videographer", "photographer", 500),
        ("Makeup artist", "makeup", 300), ("Mehendi artist", "other", 200), ("DJ", "entertainment", 300),
        ("Transport", "transport", 300), ("Invitations", "other", 150), ("Priest", "other", 100), ("Band", "entertainment", 300),
    ]
    static let milestoneTexts = ["menu not confirmed", "advance paid", "design shared with the client", "trial booked",
                                 "layout awaiting the venue's plan", "quote accepted", "dates blocked", nil, nil, nil]

    mutating func addVendors() {
        let categories = ["caterer", "photographer", "decorator", "florist", "entertainment", "venue", "makeup", "transport", "other"]
        let count = max(categories.count, min(400, shape.vendorAssignments / 25))
        for i in 0..<count {
            let category = categories[i % categories.count]
            let name = "\(rng.pick(Self.lastNames)) \(category.capitalized) \(rng.pick(HistoryDistribution.cities)) \(i + 1)"
            data.vendors.append(HistoryDataset.Vendor(id: Int64(i + 1), name: name, category: category,
                                                      phone: "+919" + String(format: "%09d", 800_000_000 + i * 13)))
        }
        let byCategory = Dictionary(grouping: data.vendors, by: \.category)
        let eligible = data.bookings.filter { reached[$0.id]?[.depositPaid] != nil }
        guard !eligible.isEmpty else { return }
        let average = Double(shape.vendorAssignments) / Double(eligible.count)
        let proposals = Dictionary(data.proposals.map { ($0.bookingID, $0.total) }) { first, _ in first }
        for b in eligible {
            let whole = Int(average) + (rng.unit() < average - average.rounded(.down) ? 1 : 0)
            let k = min(Self.roles.count, max(1, whole + rng.int(-2...2)))
            let roles = Array(Self.roles.prefix(k))
            var ids: [Int64] = []
            for (role, category, share) in roles {
                let id = Int64(data.assignments.count + 1)
                let total = proposals[b.id] ?? Money(rupees: 500_000)
                let agreed = Money(paise: total.paise * share / 10_000 / 100_000 * 100_000)
                let due = b.eventDate.adding(days: -rng.int(0...30))
                let status = vendorStatus(b)
                var paid = Money.zero
                if b.state == .completed || (due < today && rng.chance(0.85)) { paid = agreed }
                else if status != .cancelled && rng.chance(0.4) { paid = agreed.percent(basisPoints: 3_000) }
                if status == .cancelled && b.state == .cancelled { paid = .zero }
                let created = reached[b.id]?[.depositPaid] ?? b.createdAt
                data.assignments.append(HistoryDataset.Assignment(
                    id: id, bookingID: b.id, vendorID: rng.pick(byCategory[category]!).id, role: role, status: status,
                    milestoneDate: b.eventDate.adding(days: -rng.int(0...60)), milestoneText: rng.pick(Self.milestoneTexts),
                    agreed: agreed, paid: paid, paymentDueOn: due, createdAt: created))
                if paid.paise > 0 {
                    data.vendorPayments.append(HistoryDataset.VendorPayment(
                        id: Int64(data.vendorPayments.count + 1), assignmentID: id, amount: paid, paidOn: min(today, due),
                        method: rng.pick(VendorPayables.methods)))
                }
                // Waits on up to two of the roles before it (a DAG by construction).
                for required in Set((0..<rng.int(0...2)).compactMap { _ in ids.isEmpty ? nil : rng.pick(ids) }).sorted() {
                    data.dependencies.append(HistoryDataset.Dependency(dependent: id, required: required, bookingID: b.id))
                }
                ids.append(id)
            }
        }
    }

    mutating func vendorStatus(_ b: HistoryDataset.Booking) -> VendorAssignmentStatus {
        switch b.state {
        case .completed: return rng.chance(0.95) ? .delivered : .cancelled
        case .cancelled: return .cancelled
        default:
            let days = today.days(until: b.eventDate)
            if days <= 14 {
                return rng.weighted([(.pending, 0.15), (.confirmed, 0.45), (.inProgress, 0.3), (.delivered, 0.05), (.cancelled, 0.05)])
            }
            return rng.weighted([(.pending, 0.4), (.confirmed, 0.4), (.inProgress, 0.1), (.delivered, 0.03), (.cancelled, 0.07)])
        }
    }

    /// Moments a booking has been through, by the furthest state it reached.
    static func moments(upTo state: BookingState) -> [(NotificationMoment, Double)] {
        var m: [(NotificationMoment, Double)] = [(.enquiryReceived, 1)]
        let stage = state.ordinal ?? 0
        if stage >= 1 { m.append((.discussionScheduled, 1)) }
        if stage >= 2 { m += [(.proposalSent, 1), (.paymentLinkIssued, 3)] }
        if stage >= 3 { m += [(.paymentReceived, 4), (.bookingConfirmed, 1), (.paymentDueReminder, 4), (.vendorMilestoneUpdated, 8),
                              (.vendorBlocked, 2), (.eventReminder48h, 1), (.eventReminder2h, 1)] }
        if stage >= 5 { m.append((.eventCompleted, 1)) }
        return m
    }

    mutating func addNotifications() {
        guard !data.bookings.isEmpty else { return }
        // Further-along bookings have more messages; the shape's total is shared out by that weight.
        let weights = data.bookings.map { b -> Double in
            let stage = Double((b.state == .cancelled ? 1 : b.state.ordinal ?? 0) + 1)
            return stage * stage
        }
        let totalWeight = weights.reduce(0, +)
        let clients = Dictionary(uniqueKeysWithValues: data.clients.map { ($0.id, $0) })
        let milestones = Dictionary(grouping: data.milestones, by: \.bookingID)
        var made = 0
        for (i, b) in data.bookings.enumerated() {
            let share = Double(shape.notifications) * weights[i] / totalWeight
            let n = i == data.bookings.count - 1 ? shape.notifications - made : Int(share) + (rng.unit() < share - share.rounded(.down) ? 1 : 0)
            let furthest = reached[b.id].map { r in BookingState.allCases.filter { r[$0] != nil && $0 != .cancelled }.last ?? .enquiry }
                ?? .enquiry
            let choices = Self.moments(upTo: furthest)
            let client = clients[b.clientID]!
            let end = min(now, HistoryTime.at(b.eventDate, minutes: 23 * 60))
            for _ in 0..<max(0, n) {
                made += 1
                addNotification(b, client: client, moment: rng.weighted(choices), end: end, milestones: milestones[b.id] ?? [],
                                index: made)
            }
        }
    }

    mutating func addNotification(_ b: HistoryDataset.Booking, client: HistoryDataset.Client, moment: NotificationMoment, end: Date,
                                  milestones: [HistoryDataset.Milestone], index: Int) {
        let role: RecipientRole = moment == .vendorMilestoneUpdated || moment == .vendorBlocked
            ? rng.weighted([(.client, 0.5), (.coordinator, 0.3), (.vendor, 0.2)])
            : rng.weighted([(.client, 0.8), (.coordinator, 0.15), (.team, 0.05)])
        let channel = role == .client && client.email != nil && rng.chance(0.25) ? "email" : "whatsapp"
        let address = channel == "email" ? client.email : (role == .client ? client.phone : "+919820012345")
        var parameters = #"{"client_name": "\#(client.name)"}"#
        var created = HistoryTime.between(b.createdAt, max(b.createdAt, end), &rng)
        var due = created
        if moment == .paymentDueReminder, let m = milestones.isEmpty ? nil : rng.pick(milestones) {
            parameters = #"{"client_name": "\#(client.name)", "milestone_label": "\#(m.label)", "milestone_sequence": "\#(m.sequence)", "amount": "\#(m.amount.inr)"}"#
            due = HistoryTime.at(m.dueOn.adding(days: -3), minutes: 10 * 60)
            created = min(created, due)
        }
        if moment == .eventReminder48h || moment == .eventReminder2h {
            due = HistoryTime.at(b.eventDate, minutes: 18 * 60).addingTimeInterval(moment == .eventReminder48h ? -172_800 : -7_200)
            created = min(created, due)
        }
        var status = "queued", attempts = 0, error: String? = nil, sentAt: Date? = nil, wamid: String? = nil
        if due > now {
            status = "queued"
        } else {
            status = rng.weighted([("read", 0.5), ("delivered", 0.24), ("sent", 0.1), ("failed", 0.06), ("skipped", 0.07),
                                   ("cancelled", 0.03)])
            attempts = status == "skipped" || status == "cancelled" ? 0 : 1
            switch status {
            case "failed":
                attempts = rng.int(1...5)
                error = channel == "email" ? "email: 550 5.1.1 mailbox unavailable" : rng.pick(HistoryDistribution.whatsAppFailures)
            case "skipped": error = rng.pick(HistoryDistribution.skipReasons)
            case "cancelled": error = "cancelled: booking moved on"
            default: sentAt = due.addingTimeInterval(Double(rng.int(1...90)))
            }
            if channel == "whatsapp" && (sentAt != nil || status == "failed") { wamid = "wamid.HBgL\(index)" }
        }
        data.notifications.append(HistoryDataset.Notification(
            key: "\(moment.rawValue):\(b.id):\(role.rawValue):\(channel):history:\(index)", moment: moment, bookingID: b.id, role: role,
            name: role == .client ? client.name : nil, channel: channel, address: address, parameters: parameters, status: status,
            dueAt: due, attempts: attempts, providerMessageID: wamid, lastError: error, createdAt: created, sentAt: sentAt))
    }
}


/// An unfinished assignment that is waiting on other unfinished assignments.
public struct BlockedAssignment: Sendable, Equatable, Codable {
    public let id: Int64
    /// Direct requirements that are unfinished, ascending.
    public let waitsOn: [Int64]
    /// The unfinished, unblocked assignments at the far end of the waits, ascending.
    public let rootCauses: [Int64]
    /// e.g. "Decorator waits on Caterer: menu not confirmed".
    public let reason: String

    public init(id: Int64, waitsOn: [Int64], rootCauses: [Int64], reason: String) {
        self.id = id
        self.waitsOn = waitsOn
        self.rootCauses = rootCauses
        self.reason = reason
    }
}

/// A dependent whose milestone is dated before the milestone of something it waits on.
public struct ScheduleConflict: Sendable, Equatable, Codable {
    public let dependent: Int64
    public let required: Int64
    public let dependentDate: CalendarDay
    public let requiredDate: CalendarDay
    public let reason: String

    public init(dependent: Int64, required: Int64, dependentDate: CalendarDay, requiredDate: CalendarDay, reason: String) {
        self.dependent = dependent
        self.required = required
        self.dependentDate = dependentDate
        self.requiredDate = requiredDate
        self.reason = reason
    }
}

extension VendorGraph {
    private func isUnfinished(_ id: Int64) -> Bool { assignments[id]!.status.isUnfinished }

    /// Unfinished direct requirements of `id`, ascending.
    private func unfinishedRequirements(of id: Int64) -> [Int64] { requirements(of: id).filter(isUnfinished) }

    /// Who is blocked, on whom, and why. Semantics (SQL must match):
    /// - "Unfinished" means status is neither delivered nor cancelled. A requirement is
    ///   finished when delivered; a cancelled requirement no longer blocks anyone.
    /// - An assignment is blocked when it is unfinished and has at least one unfinished direct
    ///   requirement. `waitsOn` lists those direct requirements.
    /// - `rootCauses`: the unfinished assignments reachable from it by following requirement
    ///   edges through unfinished assignments only (a delivered or cancelled assignment ends a
    ///   walk), that are not blocked themselves. Never empty for a blocked assignment.
    /// - `reason`: "<role> waits on " + for each direct wait in id order
    ///   "<role>: <milestoneText, or the status phrase when empty>", joined with "; ".
    /// - Result ordered by id.
    public func blocked() -> [BlockedAssignment] {
        var result: [BlockedAssignment] = []
        for id in ids where isUnfinished(id) {
            let waits = unfinishedRequirements(of: id)
            guard !waits.isEmpty else { continue }
            var seen = Set(waits), stack = waits, roots: [Int64] = []
            while let node = stack.popLast() {
                let next = unfinishedRequirements(of: node)
                if next.isEmpty { roots.append(node) }
                for requirement in next where seen.insert(requirement).inserted { stack.append(requirement) }
            }
            let parts = waits.map { wait -> String in
                let required = assignments[wait]!
                let text = required.milestoneText?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
                return "\(required.role): \(text.isEmpty ? required.status.phrase : text)"
            }
            result.append(BlockedAssignment(id: id, waitsOn: waits, rootCauses: roots.sorted(),
                                            reason: "\(assignments[id]!.role) waits on \(parts.joined(separator: "; "))"))
        }
        return result
    }

    /// Edges whose dependent's milestone date is strictly before the required assignment's
    /// milestone date. Semantics (SQL must match): both must have a milestone date and neither
    /// may be cancelled (delivered ones still count); same day is not a conflict. Ordered by
    /// (dependent, required).
    public func scheduleConflicts() -> [ScheduleConflict] {
        dependencies.compactMap { edge in
            let dependent = assignments[edge.dependent]!, required = assignments[edge.required]!
            guard dependent.status != .cancelled, required.status != .cancelled,
                  let dependentDate = dependent.milestoneDate, let requiredDate = required.milestoneDate,
                  dependentDate < requiredDate else { return nil }
            return ScheduleConflict(
                dependent: edge.dependent, required: edge.required, dependentDate: dependentDate, requiredDate: requiredDate,
                reason: "\(dependent.role) is due on \(dependentDate) but waits on \(required.role), due later on \(requiredDate)")
        }
    }

    /// The longest chain of unfinished assignments, in the order the work must happen (each
    /// element waits on the one before it). Semantics (SQL must match): consider only
    /// unfinished assignments and the edges between two of them; among the walks with the most
    /// assignments, return the lexicographically smallest id sequence (compared in this
    /// first-to-last order, as PostgreSQL compares bigint[]). A lone unfinished assignment is
    /// a chain of one; no unfinished assignments gives [].
    public func criticalPath() -> [Int64] {
        // best[v]: the chosen chain starting at v and moving towards dependents.
        var best: [Int64: [Int64]] = [:]
        for id in topologicalOrder().reversed() where isUnfinished(id) {
            var tail: [Int64] = []
            for next in dependents(of: id) where isUnfinished(next) {
                let candidate = best[next]!
                if candidate.count > tail.count || (candidate.count == tail.count && candidate.lexicographicallyPrecedes(tail)) {
                    tail = candidate
                }
            }
            best[id] = [id] + tail
        }
        var answer: [Int64] = []
        for id in ids {
            guard let chain = best[id] else { continue }
            if chain.count > answer.count || (chain.count == answer.count && chain.lexicographicallyPrecedes(answer)) {
                answer = chain
            }
        }
        return answer
    }
}

import Foundation

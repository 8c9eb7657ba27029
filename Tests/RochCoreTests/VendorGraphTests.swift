import Testing
import RochCore

struct VendorGraphTests {
    // A wedding: the decorator waits on the caterer (menu) and the florist; lighting waits on
    // the decorator; the DJ waited on a photographer who has been cancelled.
    static let venue = VendorAssignment(id: 1, role: "Venue", status: .delivered, milestoneDate: CalendarDay("2027-01-05"))
    static let caterer = VendorAssignment(id: 2, role: "Caterer", status: .confirmed, milestoneDate: CalendarDay("2027-01-20"),
                                          milestoneText: "menu not confirmed")
    static let decorator = VendorAssignment(id: 3, role: "Decorator", status: .pending, milestoneDate: CalendarDay("2027-01-15"))
    static let florist = VendorAssignment(id: 4, role: "Florist", status: .inProgress, milestoneText: "flowers ordered")
    static let lighting = VendorAssignment(id: 5, role: "Lighting", status: .pending, milestoneDate: CalendarDay("2027-02-01"))
    static let photographer = VendorAssignment(id: 6, role: "Photographer", status: .cancelled, milestoneDate: CalendarDay("2027-03-01"))
    static let dj = VendorAssignment(id: 7, role: "DJ", status: .confirmed, milestoneDate: CalendarDay("2027-02-01"))

    static func wedding() throws -> VendorGraph {
        try VendorGraph(assignments: [venue, caterer, decorator, florist, lighting, photographer, dj], dependencies: [
            VendorDependency(dependent: 3, required: 2), VendorDependency(dependent: 3, required: 4),
            VendorDependency(dependent: 3, required: 1), VendorDependency(dependent: 5, required: 3),
            VendorDependency(dependent: 7, required: 6), VendorDependency(dependent: 2, required: 1),
            VendorDependency(dependent: 5, required: 3),
        ])
    }

    @Test func blockedListsDirectWaitsRootCausesAndAReason() throws {
        let blocked = try Self.wedding().blocked()
        #expect(blocked == [
            BlockedAssignment(id: 3, waitsOn: [2, 4], rootCauses: [2, 4],
                              reason: "Decorator waits on Caterer: menu not confirmed; Florist: flowers ordered"),
            BlockedAssignment(id: 5, waitsOn: [3], rootCauses: [2, 4], reason: "Lighting waits on Decorator: not confirmed yet"),
        ])
    }

    @Test func deliveringTheRequirementsUnblocks() throws {
        var caterer = Self.caterer, florist = Self.florist
        caterer.status = .delivered
        florist.status = .cancelled
        let graph = try VendorGraph(assignments: [Self.venue, caterer, Self.decorator, florist, Self.lighting],
                                    dependencies: [VendorDependency(dependent: 3, required: 2), VendorDependency(dependent: 3, required: 4),
                                                   VendorDependency(dependent: 5, required: 3)])
        #expect(graph.blocked().map(\.id) == [5])
        #expect(graph.blocked().first?.rootCauses == [3])
    }

    @Test func addingADependencyThatClosesALoopReturnsTheLoop() throws {
        let graph = try Self.wedding()
        #expect(graph.cycleIfAdding(dependent: 2, required: 3) == [2, 3, 2])
        #expect(graph.cycleIfAdding(dependent: 4, required: 5) == [4, 5, 3, 4])
        #expect(graph.cycleIfAdding(dependent: 1, required: 5) == [1, 5, 3, 1])
        #expect(graph.cycleIfAdding(dependent: 3, required: 3) == [3, 3])
        #expect(graph.cycleIfAdding(dependent: 5, required: 2) == nil)
        #expect(graph.cycleIfAdding(dependent: 5, required: 99) == nil)
        #expect(throws: VendorGraphError.cycle([2, 3, 2])) { try graph.adding(dependent: 2, required: 3) }
        #expect(throws: VendorGraphError.selfDependency(3)) { try graph.adding(dependent: 3, required: 3) }
        #expect(throws: VendorGraphError.unknownAssignment(99)) { try graph.adding(dependent: 3, required: 99) }
        #expect(try graph.adding(dependent: 5, required: 2).requirements(of: 5) == [2, 3])
    }

    @Test func constructionRefusesBadGraphs() {
        let a = VendorAssignment(id: 1, role: "A"), b = VendorAssignment(id: 2, role: "B")
        #expect(throws: VendorGraphError.duplicateAssignment(1)) { try VendorGraph(assignments: [a, a], dependencies: []) }
        #expect(throws: VendorGraphError.unknownAssignment(3)) {
            try VendorGraph(assignments: [a, b], dependencies: [VendorDependency(dependent: 1, required: 3)])
        }
        #expect(throws: VendorGraphError.selfDependency(2)) {
            try VendorGraph(assignments: [a, b], dependencies: [VendorDependency(dependent: 2, required: 2)])
        }
        #expect(throws: VendorGraphError.cycle([1, 2, 1])) {
            try VendorGraph(assignments: [a, b], dependencies: [VendorDependency(dependent: 1, required: 2),
                                                                VendorDependency(dependent: 2, required: 1)])
        }
        #expect(VendorGraphError.cycle([3, 2, 3]).description == "That dependency would make a loop: 3 → 2 → 3.")
    }

    @Test func topologicalOrderPutsRequirementsFirstSmallestIdFirst() throws {
        #expect(try Self.wedding().topologicalOrder() == [1, 2, 4, 3, 5, 6, 7])
    }

    @Test func scheduleConflictsFindDependentsDatedBeforeTheirRequirements() throws {
        let conflicts = try Self.wedding().scheduleConflicts()
        // Decorator (15 Jan) waits on Caterer (20 Jan); DJ vs the cancelled photographer does not count.
        #expect(conflicts == [ScheduleConflict(dependent: 3, required: 2, dependentDate: CalendarDay("2027-01-15")!,
                                               requiredDate: CalendarDay("2027-01-20")!,
                                               reason: "Decorator is due on 2027-01-15 but waits on Caterer, due later on 2027-01-20")])
    }

    @Test func criticalPathIsTheLongestUnfinishedChainInWorkOrder() throws {
        #expect(try Self.wedding().criticalPath() == [2, 3, 5])
        let none = try VendorGraph(assignments: [Self.venue], dependencies: [])
        #expect(none.criticalPath() == [])
        let lone = try VendorGraph(assignments: [Self.dj, Self.florist], dependencies: [])
        #expect(lone.criticalPath() == [4])
    }

    @Test func statusesMoveForwardOrToCancelled() {
        let s = VendorAssignmentStatus.self
        #expect(s.pending.canMove(to: .confirmed) && s.confirmed.canMove(to: .inProgress) && s.inProgress.canMove(to: .delivered))
        #expect(s.confirmed.canMove(to: .delivered))
        #expect(!s.confirmed.canMove(to: .pending) && !s.delivered.canMove(to: .inProgress))
        #expect(!s.delivered.canMove(to: .cancelled) && !s.cancelled.canMove(to: .pending))
        for status in s.allCases where status != .delivered && status != .cancelled { #expect(status.canMove(to: .cancelled)) }
        for status in s.allCases { #expect(!status.canMove(to: status)) }
        #expect(s.allCases.map(\.rawValue) == ["pending", "confirmed", "in_progress", "delivered", "cancelled"])
    }
}

import RochCore
import Testing

@Suite struct VendorMilestoneRulesTests {
    let pending = VendorAssignment(id: 1, role: "Florist", status: .pending, milestoneText: "colours not chosen")

    @Test func theVendorsOwnWordsBecomeTheClientsNews() {
        var confirmed = pending
        confirmed.status = .confirmed
        confirmed.milestoneText = "Your floral arrangements have been confirmed"
        confirmed.milestoneDate = CalendarDay("2026-12-12")
        let news = VendorMilestoneRules.announcement(old: pending, new: confirmed, clientVisible: true)
        #expect(news == VendorMilestoneAnnouncement(title: "Your floral arrangements have been confirmed",
                                                    body: "Florist · Confirmed · due on Saturday, 12 December 2026"))
    }

    @Test func withoutWordsTheStatusSpeaks() {
        for (status, title) in [(VendorAssignmentStatus.confirmed, "Your florist is confirmed"),
                                (.inProgress, "Your florist has started"), (.delivered, "Your florist has delivered")] {
            var next = pending
            next.status = status
            next.milestoneText = nil
            #expect(VendorMilestoneRules.announcement(old: pending, new: next, clientVisible: true)?.title == title)
        }
    }

    @Test func backOfficeWorkPendingWorkCancellationsAndNoChangeStaySilent() {
        var confirmed = pending
        confirmed.status = .confirmed
        var cancelled = pending
        cancelled.status = .cancelled
        var reworded = pending
        reworded.milestoneText = "colours chosen"
        #expect(VendorMilestoneRules.announcement(old: pending, new: confirmed, clientVisible: false) == nil)
        #expect(VendorMilestoneRules.announcement(old: pending, new: cancelled, clientVisible: true) == nil)
        #expect(VendorMilestoneRules.announcement(old: pending, new: reworded, clientVisible: true) == nil)
        #expect(VendorMilestoneRules.announcement(old: confirmed, new: confirmed, clientVisible: true) == nil)
    }

    @Test func blockingChangesListWhoStartsAndStopsWaiting() throws {
        let nodes = [VendorAssignment(id: 1, role: "Caterer"), VendorAssignment(id: 2, role: "Decorator"),
                     VendorAssignment(id: 3, role: "Photographer"), VendorAssignment(id: 4, role: "DJ", status: .confirmed)]
        let before = try VendorGraph(assignments: nodes, dependencies: [VendorDependency(dependent: 2, required: 1),
                                                                        VendorDependency(dependent: 3, required: 1)])
        var changed = nodes
        changed[0].status = .delivered
        changed[2].status = .cancelled
        let after = try VendorGraph(assignments: changed, dependencies: before.dependencies + [VendorDependency(dependent: 2, required: 4)])
        let changes = VendorGraph.blockingChanges(from: before, to: after)
        #expect(changes.newlyBlocked.isEmpty, "2 was blocked before and still is")
        #expect(changes.unblocked == [], "3 was cancelled, which is not unblocking")
        let third = try VendorGraph(assignments: changed, dependencies: before.dependencies)
        let released = VendorGraph.blockingChanges(from: before, to: third)
        #expect(released.unblocked == [2])
        let reblocked = VendorGraph.blockingChanges(from: third, to: after)
        #expect(reblocked.newlyBlocked.map(\.id) == [2])
        #expect(reblocked.newlyBlocked.first?.reason == "Decorator waits on DJ: confirmed, not started")
    }
}

import Foundation
import RochApp
import RochCore
import RochStore
import RochTestSupport
import Testing

/// A milestone change writes exactly its portal event, outbox rows and tasks, in one transaction.
@Suite struct VendorMilestoneServiceTests {
    static let secret = "test-vendor-link-secret-0123456789abcdef"
    let context: AppContext
    let service: VendorMilestoneService
    let booking: Int64
    let caterer: Int64, decorator: Int64, photographer: Int64
    let florist: VendorRecord

    init() throws {
        context = try TestApp.context(environment: ["VENDOR_LINK_SECRET": Self.secret])
        service = VendorMilestoneService(configuration: context.configuration)
        (booking, caterer, decorator, photographer, florist) = try context.database.withConnectionSync { c in
            let booking = try VendorFixture.booking(c, coordinatorID: try VendorFixture.coordinator(c))
            let sharma = try VendorFixture.vendor(c)
            let bloom = try VendorFixture.vendor(c, name: "Bloom Florals", category: "florist", phone: "+919811100000", email: "hi@bloom.example")
            let caterer = try VendorFixture.assignment(c, booking: booking, vendor: sharma.id, role: "Caterer", text: "menu not confirmed")
            let decorator = try VendorFixture.assignment(c, booking: booking, vendor: sharma.id, role: "Decorator", status: .confirmed)
            let photographer = try VendorFixture.assignment(c, booking: booking, vendor: sharma.id, role: "Photographer", clientVisible: false)
            try c.transaction { c in
                try VendorRepository.addDependency(c, dependent: decorator.id, required: caterer.id)
                try VendorRepository.addDependency(c, dependent: photographer.id, required: decorator.id)
            }
            return (booking, caterer.id, decorator.id, photographer.id, bloom)
        }
    }

    struct Snapshot: Equatable {
        var portal: [String]
        /// "moment role channel"
        var outbox: [String]
        var tasks: [String]
    }

    func snapshot() throws -> Snapshot {
        try context.database.withConnectionSync { c in
            Snapshot(
                portal: try c.query("SELECT kind || ': ' || title AS t FROM portal_events WHERE booking_id = $1 ORDER BY id", booking)
                    .map { try $0.decode("t") },
                outbox: try c.query("""
                    SELECT moment || ' ' || recipient_role || ' ' || channel AS m FROM notifications WHERE booking_id = $1 ORDER BY moment, recipient_role, channel
                    """, booking).map { try $0.decode("m") },
                tasks: try c.query("SELECT title FROM tasks WHERE booking_id = $1 ORDER BY id", booking).map { try $0.decode("title") })
        }
    }

    @discardableResult
    func update(_ change: VendorMilestoneChange) throws -> VendorMilestoneOutcome {
        try context.database.withConnectionSync { c in try c.transaction { try service.update(change, on: $0) } }
    }

    @Test func confirmingACatererTellsClientAndCoordinatorOnceAndBlocksNobodyNew() throws {
        let outcome = try update(VendorMilestoneChange(assignmentID: caterer, status: .confirmed,
                                                       milestoneText: "Your menu tasting is booked for Saturday", actorLabel: "staff:1"))
        #expect(outcome.changed && outcome.portalEventID != nil && outcome.newlyBlocked.isEmpty && outcome.unblocked.isEmpty)
        let expected = Snapshot(portal: ["vendor: Your menu tasting is booked for Saturday"],
                                outbox: ["vendor_milestone_updated client email", "vendor_milestone_updated client whatsapp",
                                         "vendor_milestone_updated coordinator email", "vendor_milestone_updated coordinator whatsapp"],
                                tasks: [])
        #expect(try snapshot() == expected)
        let parameters: [String: String] = try context.database.withConnectionSync { c in
            // (the client's portal_link is a link to mint at send time, not text: OutboxSafetyTests)
            try c.query("SELECT (parameters - 'portal_link')::text AS p FROM notifications WHERE booking_id = $1 LIMIT 1", booking).first!
                .decode("p", as: JSONB.self).decode([String: String].self)
        }
        #expect(parameters["vendor_role"] == "Caterer")
        #expect(parameters["milestone_text"] == "Your menu tasting is booked for Saturday")
        // The same change again writes nothing.
        let again = try update(VendorMilestoneChange(assignmentID: caterer, status: .confirmed,
                                                     milestoneText: "Your menu tasting is booked for Saturday", actorLabel: "staff:1"))
        #expect(!again.changed)
        #expect(try snapshot() == expected)
    }

    /// The coordinator gets a task and, since issue 17, is told at once (vendor_unblocked).
    @Test func deliveringTheCatererUnblocksTheDecoratorWithACoordinatorTask() throws {
        let outcome = try update(VendorMilestoneChange(assignmentID: caterer, status: .delivered, actorLabel: "staff:1"))
        #expect(outcome.unblocked == [decorator])
        #expect(outcome.assignment.milestoneText == nil, "the pending words are cleared by the move")
        #expect(try snapshot() == Snapshot(
            portal: ["vendor: Your caterer has delivered"],
            outbox: ["vendor_milestone_updated client email", "vendor_milestone_updated client whatsapp",
                     "vendor_milestone_updated coordinator email", "vendor_milestone_updated coordinator whatsapp",
                     "vendor_unblocked coordinator email", "vendor_unblocked coordinator whatsapp"],
            tasks: ["Decorator (Sharma Caterers) is no longer waiting on anyone: tell them to go ahead"]))
    }

    @Test func backOfficeAssignmentsNeverReachTheClient() throws {
        try update(VendorMilestoneChange(assignmentID: caterer, status: .delivered, actorLabel: "staff:1"))
        try update(VendorMilestoneChange(assignmentID: decorator, status: .delivered, actorLabel: "staff:1"))
        let before = try snapshot()
        let outcome = try update(VendorMilestoneChange(assignmentID: photographer, status: .confirmed, actorLabel: "staff:1"))
        #expect(outcome.changed && outcome.portalEventID == nil)
        #expect(try snapshot() == before)
    }

    @Test func backwardMovesAreRefusedWithTheCurrentStatusAndWriteNothing() throws {
        try update(VendorMilestoneChange(assignmentID: caterer, status: .delivered, actorLabel: "staff:1"))
        let before = try snapshot()
        for target in [VendorAssignmentStatus.pending, .confirmed, .inProgress, .cancelled] {
            #expect(throws: VendorStatusConflict(currentStatus: .delivered,
                                                 message: "Caterer is Delivered; it cannot move to \(target.label).")) {
                try update(VendorMilestoneChange(assignmentID: caterer, status: target, actorLabel: "staff:1"))
            }
        }
        // A stale view is refused too.
        #expect(throws: VendorStatusConflict.self) {
            try update(VendorMilestoneChange(assignmentID: decorator, status: .inProgress, expectedStatus: .pending, actorLabel: "staff:1"))
        }
        #expect(try snapshot() == before)
    }

    @Test func cancellingAVendorIsAToDoForTheCoordinatorNotNewsForTheClient() throws {
        let outcome = try update(VendorMilestoneChange(assignmentID: caterer, status: .cancelled, actorLabel: "staff:1"))
        #expect(outcome.portalEventID == nil)
        #expect(outcome.unblocked == [decorator])
        #expect(try snapshot() == Snapshot(portal: [], outbox: ["vendor_unblocked coordinator email", "vendor_unblocked coordinator whatsapp"], tasks: [
            "Caterer (Sharma Caterers) cancelled: find a replacement or tell the client",
            "Decorator (Sharma Caterers) is no longer waiting on anyone: tell them to go ahead",
        ]))
    }

    @Test func aNewDependencyThatBlocksTellsTheCoordinatorAndTheVendorWaitedOnWithTheirLink() throws {
        let floristID = try context.database.withConnectionSync { c in
            try VendorFixture.assignment(c, booking: booking, vendor: florist.id, role: "Florist").id
        }
        try update(VendorMilestoneChange(assignmentID: caterer, status: .delivered, actorLabel: "staff:1"))
        let before = try snapshot()
        let newly = try context.database.withConnectionSync { c in
            try c.transaction { try service.addDependency(dependent: decorator, required: floristID, actorLabel: "staff:1", on: $0) }
        }
        #expect(newly.map(\.id) == [decorator])
        let after = try snapshot()
        #expect(after.portal == before.portal && after.tasks == before.tasks)
        #expect(after.outbox.filter { !before.outbox.contains($0) } == [
            "vendor_blocked coordinator email", "vendor_blocked coordinator whatsapp",
            "vendor_blocked vendor email", "vendor_blocked vendor whatsapp",
        ])
        let rows = try context.database.withConnectionSync { c in
            try c.query("""
                SELECT address, parameters->>'blocked_reason' AS reason, parameters->>'update_link' AS link
                FROM notifications WHERE moment = 'vendor_blocked' AND recipient_role = 'vendor' ORDER BY channel
                """).map { (try $0.decode("address", as: String.self), try $0.decode("reason", as: String.self), try $0.decode("link", as: String.self)) }
        }
        #expect(rows.map(\.0) == ["hi@bloom.example", "+919811100000"])
        #expect(rows.allSatisfy { $0.1 == "Decorator waits on Florist: not confirmed yet" })
        let link = try #require(rows.first?.2)
        #expect(link.hasPrefix("https://rochevents.test/api/vendor/"))
        let token = String(link.dropFirst("https://rochevents.test/api/vendor/".count))
        #expect(try VendorLinks(secret: Self.secret).verify(token).get().assignmentID == floristID)
    }
}

import Foundation
import RochApp
import RochCore
import RochStore
import RochTestSupport
import Testing

/// `send_proposal` on the real path: a booking from the form, a proposal created by
/// `PaymentService`, the transition fired through `TransitionService`; then what the portal shows.
@Suite struct ProposalSendingTests {
    @Test func sendingTheProposalMarksTheDraftSentAndTheClientSeesItWithItsScheduleInThePortal() async throws {
        let f = try await PaymentFixture(sendProposal: false)
        #expect(try f.strings("SELECT status AS v FROM proposals WHERE booking_id = $1", f.bookingID) == ["draft"])
        // A draft is the team's work in progress: the client sees neither it nor its schedule.
        let before = try await f.portalDetail()
        #expect((before["documents"] as! [Any]).isEmpty)
        #expect(((before["payments"] as! [String: Any])["schedule"] as! [Any]).isEmpty)

        try f.fire(.sendProposal)

        #expect(try f.strings("SELECT status AS v FROM proposals WHERE booking_id = $1", f.bookingID) == ["sent"])
        #expect(try f.count("SELECT 1 FROM proposals WHERE booking_id = $1 AND sent_at IS NOT NULL", f.bookingID) == 1)
        let after = try await f.portalDetail()
        let proposalID = try f.strings("SELECT public_id AS v FROM proposals WHERE booking_id = $1", f.bookingID)[0]
        let documents = after["documents"] as! [[String: Any]]
        #expect(documents.map { $0["kind"] as? String } == ["proposal"])
        #expect(documents.first?["title"] as? String == "Proposal, ₹5,00,000")
        #expect((documents.first?["url"] as? String)?.hasSuffix("/proposals/\(proposalID)") == true)
        let payments = after["payments"] as! [String: Any]
        #expect(payments["total_paise"] as? Int == 50_000_000)
        #expect((payments["schedule"] as! [[String: Any]]).map { $0["label"] as? String } == ["Deposit", "Balance"])
        #expect((after["status"] as! [String: Any])["state"] as? String == "proposal_sent")
    }

    @Test func theProposalMessageCarriesTheSentProposalsTotalAndLinkAndRenders() async throws {
        let f = try await PaymentFixture(sendProposal: false)
        try f.fire(.sendProposal)
        let messages = try f.messages(.proposalSent)
        #expect(Set(messages.map(\.role)) == ["client", "coordinator"])
        for m in messages {
            #expect(m.parameters["total_amount"] == "₹5,00,000")
            #expect(m.parameters["proposal_link"] == "https://rochevents.test/portal/")
            let recipient = RecipientRole(rawValue: m.role)!
            #expect(throws: Never.self) { try NotificationCatalogue.render(moment: .proposalSent, recipient: recipient, parameters: m.parameters) }
        }
    }

    @Test func aProposalCannotBeSentTwiceNorReplacedOnceSent() async throws {
        let f = try await PaymentFixture(sendProposal: false)
        try f.fire(.sendProposal)
        #expect(throws: TransitionConflict.self) { try f.fire(.sendProposal) }
        await #expect(throws: (any Error).self) { _ = try await f.payments.createProposal(bookingID: f.bookingID, total: Money(rupees: 1), actor: "staff:1") }
        #expect(try f.strings("SELECT status AS v FROM proposals WHERE booking_id = $1", f.bookingID) == ["sent"])
    }

    @Test func payingTheDepositAcceptsTheSentProposal() async throws {
        let f = try await PaymentFixture()
        try await f.runQueuedLinkJobs()
        try await f.payDeposit()
        #expect(try f.strings("SELECT status AS v FROM proposals WHERE booking_id = $1", f.bookingID) == ["accepted"])
        #expect(try f.count("SELECT 1 FROM proposals WHERE booking_id = $1 AND sent_at IS NOT NULL AND accepted_at >= sent_at", f.bookingID) == 1)
    }
}

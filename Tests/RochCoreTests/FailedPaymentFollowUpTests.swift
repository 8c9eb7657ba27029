import Foundation
import Testing
import RochCore

struct FailedPaymentFollowUpTests {
    @Test func aLiveLinkIsOfferedAgain() {
        for link in [PaymentLinkStatus.created, .partiallyPaid] {
            for milestone in [PaymentMilestoneStatus.linkIssued, .partiallyPaid] {
                #expect(FailedPaymentFollowUp.decide(bookingClosed: false, milestone: milestone, currentLink: link, paymentStatus: "failed")
                        == .offerCurrentLink)
            }
        }
    }

    @Test func aLinkThatCannotBePaidAnyMoreIsReissued() {
        for link in [PaymentLinkStatus.expired, .cancelled, .creating] {
            #expect(FailedPaymentFollowUp.decide(bookingClosed: false, milestone: .expired, currentLink: link, paymentStatus: "failed")
                    == .reissueLink)
        }
        #expect(FailedPaymentFollowUp.decide(bookingClosed: false, milestone: .pending, currentLink: nil, paymentStatus: "failed") == .reissueLink)
    }

    @Test func nothingIsSentWhenThereIsNothingLeftToPay() {
        let closed = FailedPaymentFollowUp.decide(bookingClosed: true, milestone: .linkIssued, currentLink: .created, paymentStatus: "failed")
        let captured = FailedPaymentFollowUp.decide(bookingClosed: false, milestone: .linkIssued, currentLink: .created, paymentStatus: "captured")
        let paid = FailedPaymentFollowUp.decide(bookingClosed: false, milestone: .paid, currentLink: .paid, paymentStatus: "failed")
        let refunded = FailedPaymentFollowUp.decide(bookingClosed: false, milestone: .refunded, currentLink: .paid, paymentStatus: "failed")
        for decision in [closed, captured, paid, refunded] {
            if case .nothing = decision {} else { Issue.record("expected nothing, got \(decision)") }
        }
    }

    @Test func theReasonIsRazorpaysDescriptionOnOneLineOrAPlainDefault() {
        #expect(FailedPaymentFollowUp.reason(errorDescription: "Payment processing failed because of incorrect OTP.")
                == "Payment processing failed because of incorrect OTP")
        #expect(FailedPaymentFollowUp.reason(errorDescription: "Card\ndeclined  by bank") == "Card declined by bank")
        #expect(FailedPaymentFollowUp.reason(errorDescription: nil) == "the bank or payment app declined it")
        #expect(FailedPaymentFollowUp.reason(errorDescription: "  ") == "the bank or payment app declined it")
    }
}

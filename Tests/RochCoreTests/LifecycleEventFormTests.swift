import Foundation
import Testing
import RochCore

struct LifecycleEventFormTests {
    static let event = CalendarDay("2027-02-14")!
    // 2026-12-04 15:00 IST
    static let now = IST.instant(CalendarDay("2026-12-04")!, TimeOfDay(hour: 15, minute: 0)!)

    static func parse(_ event: BookingEvent, _ fields: [String: String]) -> Result<LifecycleEventInput, ValidationErrors> {
        LifecycleEventForm.parse(event: event, { fields[$0] }, now: now, eventDate: Self.event)
    }

    @Test func schedulingADiscussionGivesTheCallTimeInIndianWords() throws {
        let input = try Self.parse(.discuss, ["call_date": "2026-12-05", "call_time": "18:30"]).get()
        #expect(input.parameters == ["call_time": "Saturday, 5 December 2026 at 6:30 pm IST"])
    }

    @Test func aDiscussionNeedsADateAndTimeBetweenNowAndTheEvent() {
        for (fields, key) in [(["call_date": "", "call_time": "18:30"], "call_date"), (["call_date": "2026-12-05", "call_time": "6pm"], "call_time"),
                              (["call_date": "2026-12-04", "call_time": "14:59"], "call_date"), (["call_date": "2027-02-15", "call_time": "10:00"], "call_date"),
                              (["call_date": "2026-12-05", "call_time": "24:00"], "call_time")] {
            guard case .failure(let errors) = Self.parse(.discuss, fields) else { Issue.record("accepted \(fields)"); continue }
            #expect(Array(errors.fields.keys) == [key])
        }
    }

    @Test func cancellingNeedsAReasonAndARefundChoice() throws {
        guard case .failure(let errors) = Self.parse(.cancel, ["reason": "  ", "refund": "maybe"]) else { Issue.record("accepted"); return }
        #expect(Set(errors.fields.keys) == ["reason", "refund"])
        let input = try Self.parse(.cancel, ["reason": "Family emergency", "refund": "yes"]).get()
        #expect(input.reason == "Family emergency" && input.refund == true)
    }

    @Test func eventsWithoutAFormAcceptAnything() throws {
        for event in [BookingEvent.sendProposal, .startPreparation, .complete] {
            #expect(try Self.parse(event, [:]).get() == LifecycleEventInput())
            #expect(LifecycleEventForm.fields(for: event).isEmpty)
        }
    }

    @Test func everyParameterAnEventSuppliesIsOneItsMomentsUse() {
        for row in BookingLifecycle.table {
            let moments = row.actions.compactMap { if case .notify(let m) = $0 { m } else { nil } }
            let used = moments.reduce(into: Set<String>()) { $0.formUnion(NotificationCatalogue.parameters[$1] ?? []) }
            #expect(LifecycleEventForm.suppliedParameters(for: row.event).isSubset(of: used))
        }
    }
}

struct LifecycleChoicesTests {
    static let today = CalendarDay("2026-12-04")!

    @Test func anEnquiryWithoutACoordinatorOffersOnlyCancelAndSaysWhy() {
        let choices = BookingLifecycle.choices(from: .enquiry, context: TransitionContext(actor: .teamMember, today: Self.today))
        #expect(choices.map(\.event) == [.discuss, .cancel])
        #expect(choices.filter(\.isAvailable).map(\.event) == [.cancel])
        #expect(choices[0].unmet == ["Assign a coordinator to the booking first."])
    }

    @Test func theAvailableChoicesAreExactlyTheAcceptedEventsOnceTheFormsAnswerIsGiven() {
        for state in BookingState.allCases {
            for hasCoordinator in [false, true] {
                for hasProposal in [false, true] {
                    let context = TransitionContext(actor: .teamMember, hasCoordinator: hasCoordinator, hasProposal: hasProposal,
                                                    eventDate: Self.today.adding(days: hasProposal ? -1 : 30), today: Self.today)
                    var withReason = context
                    withReason.reason = "x"
                    #expect(BookingLifecycle.choices(from: state, context: context).filter(\.isAvailable).map(\.event)
                            == BookingLifecycle.acceptedEvents(from: state, context: withReason))
                    #expect(BookingLifecycle.choices(from: state, context: context).allSatisfy { $0.isAvailable == $0.unmet.isEmpty })
                }
            }
        }
    }

    @Test func theDepositIsNeverOfferedByHandAndSaysWhy() {
        let choices = BookingLifecycle.choices(from: .proposalSent, context: TransitionContext(actor: .teamMember, hasCoordinator: true,
                                                                                                 hasProposal: true, today: Self.today))
        let deposit = choices.first { $0.event == .depositPaid }
        #expect(deposit?.isAvailable == false)
        #expect(deposit?.unmet.first?.contains("recorded automatically when Razorpay confirms") == true)
    }
}

struct AutomaticCompletionRuleTests {
    @Test func onlyBookingsInPreparationAreCompletedAndOnlyFromTheDayAfterTheEvent() {
        let event = CalendarDay("2027-02-14")!
        #expect(!BookingLifecycle.isDueForAutomaticCompletion(state: .activePreparation, eventDate: event, today: event))
        #expect(BookingLifecycle.isDueForAutomaticCompletion(state: .activePreparation, eventDate: event, today: event.adding(days: 1)))
        for state in BookingState.allCases where state != .activePreparation {
            #expect(!BookingLifecycle.isDueForAutomaticCompletion(state: state, eventDate: event, today: event.adding(days: 30)))
        }
    }
}

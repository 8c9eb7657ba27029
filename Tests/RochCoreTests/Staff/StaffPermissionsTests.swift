import Testing
@testable import RochCore

struct StaffPermissionsTests {
    /// DESIGN.md section 10 and issues 15 and 17, written out independently of the table.
    static func expected(_ role: StaffRole, _ action: StaffAction) -> PermissionScope {
        switch (role, action) {
        case (.owner, _): return .all
        case (.coordinator, .viewBookings): return .all
        case (.coordinator, .actOnBooking), (.coordinator, .vendorActions): return .coordinatedBookings
        case (.coordinator, .editClient): return .coordinatedBookings  // issue 16: their own bookings' clients
        case (.coordinator, .enterBooking): return .all  // issue 16: they take the phone enquiries
        case (.accounts, .viewBookings), (.accounts, .moneyActions), (.accounts, .exports): return .all
        case (.accounts, .vendorBankDetails): return .all  // issue 17: bank details for owner and accounts only
        default: return .none
        }
    }

    @Test(arguments: StaffRole.allCases)
    func everyRoleHasARowForEveryAction(role: StaffRole) {
        #expect(Set(StaffPermissions.table[role]?.keys.map { $0 } ?? []) == Set(StaffAction.allCases))
    }

    @Test(arguments: StaffRole.allCases, StaffAction.allCases)
    func tableMatchesTheWrittenRules(role: StaffRole, action: StaffAction) {
        #expect(StaffPermissions.scope(role, action) == Self.expected(role, action))
    }

    /// Every role, action and target: allowed exactly when the written rules say so.
    @Test(arguments: StaffRole.allCases, StaffAction.allCases)
    func decisionsOverEveryTarget(role: StaffRole, action: StaffAction) {
        let me: Int64 = 7
        let targets: [PermissionTarget] = [.general, .booking(coordinatorID: me), .booking(coordinatorID: 8), .booking(coordinatorID: nil)]
        for target in targets {
            let allowed: Bool
            switch (Self.expected(role, action), target) {
            case (.all, _): allowed = true
            case (.none, _): allowed = false
            case (.coordinatedBookings, .general): allowed = true
            case (.coordinatedBookings, .booking(let c)): allowed = c == me
            }
            let decision = StaffPermissions.decide(role: role, staffID: me, action: action, on: target)
            #expect(decision.isAllowed == allowed, "\(role) \(action) \(target)")
        }
    }

    @Test func ownerOnlyActionsAreRefusedToEveryoneElse() {
        for action in [StaffAction.staffAdmin, .viewAudit] {
            for role in StaffRole.allCases where role != .owner {
                guard case .denied(let why) = StaffPermissions.decide(role: role, staffID: 1, action: action) else {
                    Issue.record("\(role) may \(action)"); continue
                }
                #expect(why.contains(action.summary))
            }
        }
    }

    /// Issue 16: accounts neither change a client's details nor enter bookings; a coordinator edits
    /// only the clients of bookings they coordinate.
    @Test func clientDetailsAndHandEnteredBookings() {
        #expect(StaffPermissions.decide(role: .accounts, staffID: 1, action: .editClient, on: .booking(coordinatorID: 1))
            == .denied("A accounts may not change this client's details. Ask the owner if you need to."))
        #expect(!StaffPermissions.decide(role: .accounts, staffID: 1, action: .enterBooking).isAllowed)
        #expect(StaffPermissions.decide(role: .coordinator, staffID: 3, action: .enterBooking).isAllowed)
        #expect(StaffPermissions.decide(role: .coordinator, staffID: 3, action: .editClient, on: .booking(coordinatorID: 3)).isAllowed)
        #expect(StaffPermissions.decide(role: .coordinator, staffID: 3, action: .editClient, on: .booking(coordinatorID: nil))
            == .denied("You may change this client's details only on bookings you coordinate. Ask this booking's coordinator or the owner."))
    }

    @Test func aCoordinatorIsToldWhyAnotherCoordinatorsBookingIsRefused() {
        let decision = StaffPermissions.decide(role: .coordinator, staffID: 3, action: .actOnBooking, on: .booking(coordinatorID: 4))
        #expect(decision == .denied("You may change this booking only on bookings you coordinate. Ask this booking's coordinator or the owner."))
    }

    @Test func aBookingWithoutCoordinatorIsNotACoordinatorsToChange() {
        #expect(!StaffPermissions.decide(role: .coordinator, staffID: 3, action: .actOnBooking, on: .booking(coordinatorID: nil)).isAllowed)
        #expect(StaffPermissions.decide(role: .owner, staffID: 3, action: .actOnBooking, on: .booking(coordinatorID: nil)).isAllowed)
    }
}

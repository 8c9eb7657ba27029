import Foundation
import RochCore
import RochHTTP
import RochStore

/// The vendor directory (`/admin/vendors`), adding a vendor, a vendor's page, editing and archiving.
extension AdminApp {
    func vendorDesk(_ route: AdminRoute, request: Request, session: StaffSession, now: Date) async throws -> Response {
        switch route {
        case .vendors: return try await vendorDirectory(request, session: session)
        case .vendorAdd: return try await addVendor(request, session: session)
        case .vendor(let id): return try await vendorPage(id, request: request, session: session, now: now)
        case .vendorEdit(let id): return try await editVendor(id, request: request, session: session, now: now)
        case .vendorPayout(let id): return try await editVendorPayout(id, request: request, session: session, now: now)
        case .vendorPayables: return try await vendorPayables(request, session: session, now: now)
        case .vendorPaymentsCSV: return try await vendorPaymentsCSV(request, session: session)
        case .bookingVendors(let b): return try await bookingVendors(b, request: request, session: session, now: now)
        case .bookingVendorChange(let b): return try await changeBookingVendors(b, request: request, session: session, now: now)
        case .bookingVendorPayment(let b): return try await recordVendorPayment(b, request: request, session: session, now: now)
        default: throw HTTPError.notFound("There is no staff page at this address.")
        }
    }

    func may(_ session: StaffSession, _ action: StaffAction, on target: PermissionTarget = .general) -> Bool {
        StaffPermissions.decide(role: session.role, staffID: session.account.id, action: action, on: target).isAllowed
    }

    static func actor(_ session: StaffSession) -> String { "staff:\(session.account.id)" }

    // MARK: directory

    func vendorDirectory(_ request: Request, session: StaffSession, form: [String: String] = [:], errors: FieldErrors = FieldErrors(),
                         status: Int = 200) async throws -> Response {
        let query = try request.query()
        var filter = VendorDirectoryFilter(text: String((query["q"] ?? "").trimmingCharacters(in: .whitespaces).prefix(100)))
        var problem: String?
        if let c = query["category"], !c.isEmpty {
            if let category = VendorCategory(rawValue: c) { filter.category = category } else { problem = "Pick a category from the list." }
        }
        if let city = query["city"], !city.isEmpty { filter.city = String(city.prefix(80)) }
        filter.includeArchived = query["archived"] == "1"
        let f = filter
        let (rows, cities) = try await context.database.withConnection { c in (try VendorDirectory.search(c, f), try VendorDirectory.cities(c)) }
        return templates.response(AdminPage("vendors", title: "Vendors", status: status, current: "vendors", values: [
            "search": ["q": filter.text, "archived": filter.includeArchived],
            "categories": Self.categoryOptions(selected: filter.category?.rawValue),
            "cities": cities.map { ["name": $0, "selected": $0.lowercased() == filter.city?.lowercased()] as [String: Any] },
            "rows": rows.map { v in
                ["id": String(v.id), "name": v.name, "category": v.category.label, "city": v.city as Any, "contact": v.contactPerson as Any,
                 "phone": v.phone as Any, "archived": !v.active, "open": v.openAssignments,
                 "outstanding": v.outstanding > .zero ? v.outstanding.inr : nil as String? as Any] as [String: Any]
            },
            "hasRows": !rows.isEmpty,
            "summary": rows.isEmpty ? "No vendors match." : "\(rows.count) vendor\(rows.count == 1 ? "" : "s")\(rows.count == filter.limit ? " (the first \(filter.limit); narrow the search)" : "").",
            "problem": problem as Any,
            "canAdd": may(session, .vendorActions), "canPayout": may(session, .vendorBankDetails),
            "canPayables": may(session, .moneyActions),
            "form": Self.profileForm(form, errors: errors, categories: Self.categoryOptions(selected: form["category"])),
            "notice": query["notice"] == "archived" ? "The vendor is archived." as String? as Any : nil as String? as Any,
        ]), session: session)
    }

    func addVendor(_ request: Request, session: StaffSession) async throws -> Response {
        let form = try request.form()
        let canPayout = may(session, .vendorBankDetails)
        switch VendorProfileForm.validate({ form[$0] }, includePayout: canPayout) {
        case .failure(let errors):
            return try await vendorDirectory(request, session: session, form: Self.values(form), errors: errors, status: 422)
        case .success(let profile):
            let actor = Self.actor(session)
            let id = try await context.database.transaction { c in
                let id = try VendorDirectory.add(c, profile)
                try TeamRepository.audit(c, actor: actor, action: "vendor.added", entity: "vendor", entityID: String(id),
                                         details: ["name": profile.name, "category": profile.category.rawValue])
                return id
            }
            return Response.redirect(to: "/admin/vendors/\(id)?notice=added")
        }
    }

    // MARK: one vendor

    func vendorPage(_ id: Int64, request: Request, session: StaffSession, now: Date, form: [String: String]? = nil,
                    errors: FieldErrors = FieldErrors(), payoutErrors: FieldErrors = FieldErrors(), status: Int = 200) async throws -> Response {
        let loaded = try await context.database.withConnection { c -> (VendorDetails, [VendorJob], [VendorPaymentLine], [(action: String, actor: String, at: Date)])? in
            guard let v = try VendorDirectory.find(c, id: id) else { return nil }
            return (v, try VendorDesk.jobs(c, vendorID: id), try VendorDesk.payments(c, vendorID: id), try VendorDesk.history(c, vendorID: id))
        }
        guard let (vendor, jobs, payments, history) = loaded else {
            return message(status: 404, heading: "No such vendor", text: "No vendor has the number \(id). Find them in the vendor directory.", session: session)
        }
        let today = IST.day(of: now)
        let p = vendor.profile
        let open = jobs.filter { $0.status != .cancelled }
        let agreed = open.reduce(Money.zero) { $0 + $1.agreed }, paid = jobs.reduce(Money.zero) { $0 + $1.paid }
        let overdue = open.filter { $0.paid < $0.agreed && ($0.paymentDueOn.map { $0 < today } ?? false) }.reduce(Money.zero) { $0 + ($1.agreed - $1.paid) }
        let canBank = may(session, .vendorBankDetails)
        let query = try request.query()
        let notices = ["added": "The vendor is added.", "saved": "Saved.", "archived": "The vendor is archived.", "restored": "The vendor is active again.",
                       "payout": "Payout details saved."]
        let payout = p.payout ?? VendorPayout()
        let formValues = form ?? [
            "name": p.name, "category": p.category.rawValue, "contact_person": p.contactPerson ?? "", "city": p.city ?? "",
            "phone": p.phone ?? "", "whatsapp": p.whatsApp ?? "", "email": p.email ?? "", "gstin": p.gstin ?? "", "pan": p.pan ?? "",
            "notes": p.notes ?? "", "payout_method": payout.method?.rawValue ?? "", "payout_upi": payout.upi ?? "",
            "payout_account_name": payout.accountName ?? "", "payout_account_number": payout.accountNumber ?? "", "payout_ifsc": payout.ifsc ?? "",
        ]
        let values: [String: Any] = [
            "vendor": [
                "id": String(vendor.id), "name": p.name, "category": p.category.label, "contact": p.contactPerson as Any, "city": p.city as Any,
                "phone": p.phone as Any, "whatsApp": (p.whatsApp ?? p.phone).map { String($0.dropFirst()) } as Any,
                "email": p.email as Any, "gstin": p.gstin as Any, "pan": p.pan as Any, "notes": p.notes as Any, "archived": !vendor.active,
            ] as [String: Any],
            "payout": canBank ? [
                "method": payout.method?.label ?? "Not set", "upi": payout.upi as Any, "accountName": payout.accountName as Any,
                "accountNumber": payout.accountNumber as Any, "ifsc": payout.ifsc as Any,
                "methods": VendorPayoutMethod.allCases.map { ["value": $0.rawValue, "label": $0.label, "selected": formValues["payout_method"] == $0.rawValue] as [String: Any] },
                "form": Self.fieldValues(formValues, errors: payoutErrors),
            ] as [String: Any] as Any : nil as [String: Any]? as Any,
            "money": ["agreed": agreed.inr, "paid": paid.inr, "outstanding": max(agreed - paid, .zero).inr,
                      "overdue": overdue > .zero ? overdue.inr : nil as String? as Any] as [String: Any],
            "jobs": jobs.map { j in
                let late = j.status != .cancelled && j.paid < j.agreed && (j.paymentDueOn.map { $0 < today } ?? false)
                return ["publicID": j.bookingPublicID, "client": j.clientName, "eventDate": NotificationFormat.date(j.eventDate), "role": j.role,
                        "status": j.status.label, "agreed": j.agreed.inr, "paid": j.paid.inr,
                        "due": j.paymentDueOn.map(NotificationFormat.date) as Any, "overdue": late] as [String: Any]
            },
            "payments": payments.map(Self.paymentValues),
            "history": history.map { ["action": $0.action, "actor": $0.actor, "at": NotificationFormat.dateTime($0.at)] as [String: Any] },
            "has": ["jobs": !jobs.isEmpty, "payments": !payments.isEmpty, "history": !history.isEmpty],
            "canEdit": may(session, .vendorActions),
            "form": Self.profileForm(formValues, errors: errors, categories: Self.categoryOptions(selected: formValues["category"])),
            "notice": query["notice"].flatMap { notices[$0] } as Any,
        ]
        return templates.response(AdminPage("vendor", title: p.name, status: status, current: "vendors", values: values), session: session)
    }

    func editVendor(_ id: Int64, request: Request, session: StaffSession, now: Date) async throws -> Response {
        let form = try request.form()
        let actor = Self.actor(session)
        if let archive = form["action"], archive == "archive" || archive == "restore" {
            let found = try await context.database.transaction { c in
                guard try VendorDirectory.setActive(c, id: id, active: archive == "restore") else { return false }
                try TeamRepository.audit(c, actor: actor, action: "vendor.\(archive)d", entity: "vendor", entityID: String(id))
                return true
            }
            guard found else { throw HTTPError.notFound("No vendor has the number \(id).") }
            return Response.redirect(to: "/admin/vendors/\(id)?notice=\(archive)d")
        }
        switch VendorProfileForm.validate({ form[$0] }, includePayout: false) {
        case .failure(let errors):
            return try await vendorPage(id, request: request, session: session, now: now, form: Self.values(form), errors: errors, status: 422)
        case .success(let profile):
            let found = try await context.database.transaction { c in
                guard try VendorDirectory.update(c, id: id, profile) else { return false }
                try TeamRepository.audit(c, actor: actor, action: "vendor.edited", entity: "vendor", entityID: String(id), details: ["name": profile.name])
                return true
            }
            guard found else { throw HTTPError.notFound("No vendor has the number \(id).") }
            return Response.redirect(to: "/admin/vendors/\(id)?notice=saved")
        }
    }

    /// Owner and accounts only (the route's permission): the payout fields, checked like the rest.
    func editVendorPayout(_ id: Int64, request: Request, session: StaffSession, now: Date) async throws -> Response {
        let form = try request.form()
        let actor = Self.actor(session)
        guard let current = try await context.database.withConnection({ c in try VendorDirectory.find(c, id: id) }) else {
            throw HTTPError.notFound("No vendor has the number \(id).")
        }
        // The rest of the profile as stored, so the payout form is checked with the same rules.
        let p = current.profile
        let stored: [String: String] = ["name": p.name, "category": p.category.rawValue, "contact_person": p.contactPerson ?? "", "city": p.city ?? "",
                                        "phone": p.phone ?? "", "whatsapp": p.whatsApp ?? "", "email": p.email ?? "", "gstin": p.gstin ?? "",
                                        "pan": p.pan ?? "", "notes": p.notes ?? ""]
        switch VendorProfileForm.validate({ $0.hasPrefix("payout_") ? form[$0] : stored[$0] }, includePayout: true) {
        case .failure(let errors):
            return try await vendorPage(id, request: request, session: session, now: now, form: stored.merging(Self.values(form)) { $1 },
                                        payoutErrors: errors, status: 422)
        case .success(let profile):
            try await context.database.transaction { c in
                try VendorDirectory.update(c, id: id, profile)
                try TeamRepository.audit(c, actor: actor, action: "vendor.payout_details", entity: "vendor", entityID: String(id),
                                         details: ["method": profile.payout?.method?.rawValue ?? ""])
            }
            return Response.redirect(to: "/admin/vendors/\(id)?notice=payout")
        }
    }

    // MARK: form helpers

    static func categoryOptions(selected: String?) -> [[String: Any]] {
        VendorCategory.allCases.map { ["value": $0.rawValue, "label": $0.label, "selected": $0.rawValue == selected] }
    }

    static func values(_ form: FormData) -> [String: String] {
        var v: [String: String] = [:]
        for (name, value) in form.pairs where name != "csrf" && v[name] == nil { v[name] = String(value.prefix(2000)) }
        return v
    }

    /// Each field's value and problem for a template: `f.<name>.value`, `f.<name>.error`.
    static func fieldValues(_ form: [String: String], errors: FieldErrors) -> [String: Any] {
        var f: [String: Any] = [:]
        for name in Set(form.keys).union(errors.messages.map(\.field)) {
            f[name] = ["value": form[name] ?? "", "error": errors[name] as Any] as [String: Any]
        }
        return f
    }

    static func profileForm(_ form: [String: String], errors: FieldErrors, categories: [[String: Any]]) -> [String: Any] {
        ["f": fieldValues(form, errors: errors), "categories": categories,
         "methods": VendorPayoutMethod.allCases.map { ["value": $0.rawValue, "label": $0.label, "selected": form["payout_method"] == $0.rawValue] as [String: Any] },
         "errors": errors.messages.map { ["field": $0.field, "message": $0.message] as [String: Any] }, "hasErrors": !errors.isEmpty]
    }

    static func paymentValues(_ p: VendorPaymentLine) -> [String: Any] {
        ["amount": p.amount.inr, "paidOn": NotificationFormat.date(p.paidOn), "method": VendorPayoutMethod(rawValue: p.method)?.label ?? p.method,
         "reference": p.reference as Any, "vendor": p.vendorName, "vendorID": String(p.vendorID), "role": p.role,
         "publicID": p.bookingPublicID, "client": p.clientName, "overpayment": p.overpayment]
    }
}

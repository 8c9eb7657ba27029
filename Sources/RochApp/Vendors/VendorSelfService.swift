import Foundation
import RochCore
import RochHTTP
import RochStore

extension FunctionDefinition {
    /// `GET/POST /api/vendor/<token>`: a vendor reports their milestone through a signed link.
    public static let vendor = FunctionDefinition(name: "vendor") {
        let context = try AppContext.shared()
        let service = VendorSelfService(context: context)
        return { request in try await service.handle(request) }
    }
}

/// The vendor's self-service page: no account, a signed expiring link per assignment
/// (`VendorLinks`), revocable by bumping the assignment's link version.
public struct VendorSelfService: Sendable {
    let context: AppContext
    let milestones: VendorMilestoneService

    public init(context: AppContext) {
        self.context = context
        milestones = VendorMilestoneService(configuration: context.configuration)
    }

    /// Form posts allowed per assignment link per 10 minutes.
    static let postLimit = RateLimiter.Limit(hits: 20, windowSeconds: 600)

    static let fallbackContact = "Please call the Roch Events coordinator who sent you this link and ask for a new one."

    public func handle(_ request: Request, now: Date = Date()) async throws -> Response {
        guard request.method == "GET" || request.method == "POST" else { throw HTTPError.methodNotAllowed(["GET", "POST"]) }
        guard let secret = context.configuration.vendorLinkSecret else {
            throw HTTPError(503, code: "vendor_links_off", "Vendor links are not switched on. \(Self.fallbackContact)")
        }
        let links = VendorLinks(secret: secret)
        let token = Self.token(of: request)
        let claims: VendorLinks.Claims
        switch links.verify(token, now: now) {
        case .success(let c): claims = c
        case .failure(.tampered):
            return VendorSelfServicePage.refusal(status: 403, title: "This link is not valid",
                                                 explanation: "The address may have been cut short or changed when it was copied.",
                                                 contact: Self.fallbackContact)
        case .failure(.expired(let id)):
            return VendorSelfServicePage.refusal(status: 410, title: "This link has expired",
                                                 explanation: "Links to update your work stay valid for two weeks.",
                                                 contact: try await contactLine(assignmentID: id))
        }
        let isPost = request.method == "POST"
        let form = isPost ? try request.form() : nil
        if isPost {
            // A leaked link cannot be used to flood the coordinator: posts per assignment are limited.
            let key = "vendor-link:\(claims.assignmentID)", limit = Self.postLimit
            if let retry = try await context.database.withConnection({ try RateLimiter.hit($0, key: key, limit: limit) }) {
                throw HTTPError.tooManyRequests(retryAfter: retry)
            }
        }
        let query = try request.query()
        let milestones = self.milestones
        let answer: PageAnswer = try await context.database.transaction { c in
            guard let assignment = try VendorRepository.assignment(c, id: claims.assignmentID) else { return .revoked }
            guard assignment.linkVersion == claims.version, assignment.linkRevokedAt == nil else { return .revoked }
            var flash: String?, problem: String?, status = 200
            if let form {
                guard let csrf = form["csrf"], links.isValidCSRF(csrf, for: token) else { return .csrfFailed }
                switch try Self.apply(form, to: assignment, milestones: milestones, on: c, now: now) {
                case .success(let done): return .done(done)
                case .failure(let refusal): (problem, status) = (refusal.message, refusal.status)
                }
            } else if let done = query["done"] {
                flash = done == "note" ? "Thank you: your note has reached the coordinator."
                    : "Thank you: your status is now \(VendorAssignmentStatus(rawValue: done)?.label ?? "updated")."
            }
            return .page(try model(c, assignment: assignment, token: token, csrf: links.csrfToken(for: token),
                                   flash: flash, problem: problem), status)
        }
        switch answer {
        case .page(let model, let status):
            return VendorSelfServicePage.secured(.html(VendorSelfServicePage.render(model), status: status))
        case .done(let what):
            return VendorSelfServicePage.secured(.redirect(to: "/api/vendor/\(token)?done=\(what)"))
        case .revoked:
            return VendorSelfServicePage.refusal(status: 410, title: "This link has been withdrawn",
                                                 explanation: "A newer link was sent, or this work was reassigned.",
                                                 contact: try await contactLine(assignmentID: claims.assignmentID))
        case .csrfFailed:
            return VendorSelfServicePage.refusal(status: 403, title: "Please use the form on the page",
                                                 explanation: "This request did not come from your update page, so nothing was changed. Open your link again and retry.",
                                                 contact: try await contactLine(assignmentID: claims.assignmentID))
        }
    }

    enum PageAnswer: Sendable {
        case page(VendorSelfServicePage.Model, Int)
        case done(String)
        case revoked
        case csrfFailed
    }

    /// Why a well-formed POST changed nothing; the page is shown again with the message.
    struct FormRefusal: Error {
        var status: Int
        var message: String
    }

    /// Applies the vendor's form: a status (confirmed / delivered) and/or a note. Returns what was
    /// done ("confirmed", "delivered", "note") for the thank-you message.
    static func apply(_ form: FormData, to assignment: VendorAssignmentRecord, milestones: VendorMilestoneService,
                      on c: Connection, now: Date) throws -> Result<String, FormRefusal> {
        let note = (form["note"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if note.count > 2000 { return .failure(FormRefusal(status: 422, message: "Please keep the note under 2,000 characters.")) }
        let raw = form["status"] ?? ""
        let wanted = VendorAssignmentStatus(rawValue: raw)
        if !raw.isEmpty && wanted != .confirmed && wanted != .delivered {
            return .failure(FormRefusal(status: 422, message: "Choose “I confirm this booking” or “My work is delivered”."))
        }
        if wanted == nil && note.isEmpty {
            return .failure(FormRefusal(status: 422, message: "Write a note, or choose one of the buttons."))
        }
        let seen = form["seen_status"].flatMap(VendorAssignmentStatus.init(rawValue:))
        if let wanted, wanted != assignment.status {
            do {
                try milestones.update(VendorMilestoneChange(assignmentID: assignment.id, status: wanted, expectedStatus: seen,
                                                            actorLabel: "vendor:\(assignment.id)"), on: c, now: now)
            } catch let conflict as VendorStatusConflict {
                return .failure(FormRefusal(status: 409, message: "\(conflict.message) Nothing was changed."))
            }
        }
        if !note.isEmpty { try VendorRepository.addNote(c, assignmentID: assignment.id, author: "vendor", body: note) }
        return .success(wanted?.rawValue ?? "note")
    }

    /// `/api/vendor/<token>` from the request path (or PATH_INFO when mounted elsewhere).
    static func token(of request: Request) -> String {
        let prefix = "/api/vendor/"
        if request.path.hasPrefix(prefix) { return String(request.path.dropFirst(prefix.count)) }
        return request.pathInfo.hasPrefix("/") ? String(request.pathInfo.dropFirst()) : request.pathInfo
    }

    func model(_ c: Connection, assignment: VendorAssignmentRecord, token: String, csrf: String, flash: String?,
               problem: String?) throws -> VendorSelfServicePage.Model {
        guard let booking = try BookingRepository.find(c, id: assignment.bookingID) else { throw BookingNotFound() }
        let coordinator = try booking.coordinatorID.flatMap { try TeamRepository.find(c, id: $0) }
        let graph = try VendorRepository.graph(c, bookingID: booking.id)
        let waiting = graph.dependents(of: assignment.id).compactMap { graph.assignments[$0] }
            .filter { $0.status.isUnfinished }.map(\.role)
        return VendorSelfServicePage.Model(
            token: token, csrf: csrf, assignment: assignment, eventType: EventType(rawValue: booking.eventType)?.label ?? booking.eventType,
            eventDate: booking.eventDate, city: booking.city, coordinatorName: coordinator?.name ?? "the Roch Events team",
            coordinatorPhone: coordinator?.phone ?? context.configuration.staffWhatsApp.first ?? "",
            waitingOnYou: waiting, notes: try VendorRepository.notes(c, assignmentID: assignment.id), flash: flash, problem: problem)
    }

    /// "Please call Priya on +91…" for a genuine (signed) link's assignment.
    func contactLine(assignmentID: Int64) async throws -> String {
        let staffFallback = context.configuration.staffWhatsApp.first
        return try await context.database.withConnection { c in
            guard let assignment = try VendorRepository.assignment(c, id: assignmentID),
                  let booking = try BookingRepository.find(c, id: assignment.bookingID) else { return Self.fallbackContact }
            let coordinator = try booking.coordinatorID.flatMap { try TeamRepository.find(c, id: $0) }
            guard let phone = coordinator?.phone ?? staffFallback else { return Self.fallbackContact }
            return "Please call \(coordinator?.name ?? "the Roch Events team") on \(phone) for a new link."
        }
    }
}

import Foundation

/// The Business Management API side of the fake WhatsApp: message templates of the WhatsApp
/// Business Account (create with Meta's checks, list), the phone number's record, and the
/// `message_template_status_update` webhook a review result sends.
extension FakeWhatsAppServer {
    /// A template created through POST /{WABA_ID}/message_templates.
    public struct ManagedTemplate: Sendable, Equatable {
        public var id: String
        public var name: String
        public var language: String
        public var category: String
        public var status: String
        public var bodyText: String
        public var bodyParameterCount: Int
        public var rejectedReason: String?
    }

    /// Every template created through the API so far.
    public var createdTemplates: [ManagedTemplate] { lock.withLock { Array(managedTemplates.values) }.sorted { $0.id < $1.id } }

    func management(_ request: FakeHTTPRequest, parts: [String]) -> FakeHTTPResponse {
        guard request.header("Authorization") == "Bearer \(configuration.accessToken)" else {
            return graphError(401, code: 190, type: "OAuthException", message: "Invalid OAuth access token - Cannot parse access token")
        }
        switch (request.method, parts.count) {
        case ("GET", 2) where parts[1] == configuration.phoneNumberID:
            return .json(200, ["id": configuration.phoneNumberID, "display_phone_number": configuration.displayPhoneNumber,
                               "verified_name": "Roch Events", "quality_rating": "GREEN"])
        case ("POST", 3) where parts[1] == configuration.wabaID && parts[2] == "message_templates":
            return createTemplate(request)
        case ("GET", 3) where parts[1] == configuration.wabaID && parts[2] == "message_templates":
            let name = request.query["name"]
            let list = createdTemplates.filter { name == nil || $0.name == name }.map { t -> [String: Any] in
                var row: [String: Any] = ["id": t.id, "name": t.name, "language": t.language, "status": t.status, "category": t.category]
                if let reason = t.rejectedReason { row["rejected_reason"] = reason }
                return row
            }
            return .json(200, ["data": list, "paging": ["cursors": ["before": "QVFIUk", "after": "QVFIUl"]]])
        case (_, 2), (_, 3):
            if parts[1] != configuration.phoneNumberID && parts[1] != configuration.wabaID {
                return graphError(400, code: 100, type: "GraphMethodException", subcode: 33,
                                  message: "Unsupported \(request.method.lowercased()) request. Object with ID '\(parts[1])' does not exist, cannot be loaded due to missing permissions, or does not support this operation.")
            }
            fallthrough
        default:
            return graphError(400, code: 100, type: "GraphMethodException",
                              message: "Unsupported \(request.method.lowercased()) request. Please read the Graph API documentation")
        }
    }

    private func createTemplate(_ request: FakeHTTPRequest) -> FakeHTTPResponse {
        guard let json = request.jsonObject else { return invalidParameter("The request body is not valid JSON") }
        guard let name = json["name"] as? String, !name.isEmpty, name.count <= 512,
              name.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }) else {
            return invalidParameter("name must be lowercase letters, digits and underscores (at most 512 characters).")
        }
        guard let language = json["language"] as? String, !language.isEmpty else { return invalidParameter("The parameter language is required.") }
        guard let category = json["category"] as? String, ["UTILITY", "MARKETING", "AUTHENTICATION"].contains(category) else {
            return invalidParameter("category must be UTILITY, MARKETING or AUTHENTICATION.")
        }
        let bodies = (json["components"] as? [[String: Any]] ?? []).filter { ($0["type"] as? String)?.uppercased() == "BODY" }
        guard bodies.count == 1, let text = bodies[0]["text"] as? String, !text.isEmpty, text.count <= 1024 else {
            return invalidParameter("components must hold exactly one BODY with text of at most 1024 characters.")
        }
        let variables = Self.variables(in: text)
        guard variables == (0..<variables.count).map({ $0 + 1 }) else {
            return graphError(400, code: 100, type: "OAuthException", subcode: 2388043, message: "Invalid parameter",
                              details: "Variables must be {{1}}, {{2}}... in order without gaps.")
        }
        let examples = ((bodies[0]["example"] as? [String: Any])?["body_text"] as? [[String]])?.first ?? []
        guard examples.count == variables.count, examples.allSatisfy({ !$0.isEmpty }) else {
            return graphError(400, code: 100, type: "OAuthException", subcode: 2388043,
                              message: "Message template \"components\" param is missing expected field(s)",
                              details: "body: \(variables.count) variable(s) need \(variables.count) example value(s) in example.body_text, got \(examples.count).")
        }
        let key = "\(name)/\(language)"
        let created: ManagedTemplate? = lock.withLock {
            guard managedTemplates[key] == nil else { return nil }
            let t = ManagedTemplate(id: String(Int64.random(in: 100_000_000_000_000...999_999_999_999_999)), name: name, language: language,
                                    category: category, status: "PENDING", bodyText: text, bodyParameterCount: variables.count)
            managedTemplates[key] = t
            return t
        }
        guard let created else {
            return graphError(400, code: 100, type: "OAuthException", subcode: 2388024, message: "Invalid parameter",
                              details: "Content in this language already exists: message template \(name) already has content in \(language).")
        }
        return .json(200, ["id": created.id, "status": created.status, "category": created.category])
    }

    /// The distinct {{n}} numbers in a body, in order of first appearance.
    static func variables(in text: String) -> [Int] {
        var found: [Int] = []
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            rest = rest[open.upperBound...]
            guard let close = rest.range(of: "}}") else { break }
            if let n = Int(rest[..<close.lowerBound]), !found.contains(n) { found.append(n) }
            rest = rest[close.upperBound...]
        }
        return found
    }

    /// Meta's review result for a template: its status changes and a signed
    /// `message_template_status_update` webhook goes to our endpoint. Returns the endpoint's status.
    public func reviewTemplate(name: String, language: String, event: String, reason: String? = nil) async throws -> Int {
        let updated: ManagedTemplate? = lock.withLock {
            guard var t = managedTemplates["\(name)/\(language)"] else { return nil }
            t.status = event == "REINSTATED" ? "APPROVED" : event
            t.rejectedReason = event == "REJECTED" ? (reason ?? "INVALID_FORMAT") : nil
            managedTemplates["\(name)/\(language)"] = t
            return t
        }
        guard let updated else { throw WebhookPoster.Failure(description: "no template \(name) in \(language)") }
        return try await postWebhook(value: ["event": event, "message_template_id": Int64(updated.id) ?? 0,
                                             "message_template_name": name, "message_template_language": language,
                                             "reason": reason ?? (event == "REJECTED" ? "INVALID_FORMAT" : "NONE")],
                                     field: "message_template_status_update")
    }

    func templateStatusControl(_ request: FakeHTTPRequest) async -> FakeHTTPResponse {
        guard let json = request.jsonObject, let name = json["name"] as? String, let event = json["event"] as? String else {
            return .json(400, ["error": "need name, event (and language, reason)"])
        }
        do {
            let status = try await reviewTemplate(name: name, language: json["language"] as? String ?? "en", event: event,
                                                  reason: json["reason"] as? String)
            return .json(200, ["webhook_status": status])
        } catch { return .json(404, ["error": "\(error)"]) }
    }
}

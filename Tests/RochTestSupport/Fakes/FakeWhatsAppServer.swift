import Crypto
import Foundation

/// A fake WhatsApp Cloud API phone number: `POST /{version}/{phone-number-id}/messages` with the
/// documented checks and error bodies, rate-limit simulations, and signed status webhooks.
public final class FakeWhatsAppServer: @unchecked Sendable {
    /// An approved template and how many body parameters it takes.
    public struct Template: Codable, Sendable {
        public var name: String
        public var language: String?
        public var bodyParameterCount: Int

        public init(name: String, language: String? = nil, bodyParameterCount: Int) {
            self.name = name
            self.language = language
            self.bodyParameterCount = bodyParameterCount
        }

        enum CodingKeys: String, CodingKey { case name, language, bodyParameterCount = "body_parameters" }
    }

    public struct Configuration: Sendable {
        public var accessToken: String
        public var phoneNumberID: String
        public var appSecret: String
        public var templates: [Template]
        public var wabaID = "102290129340398"
        public var displayPhoneNumber = "15550783881"
        /// Accepted messages per second before 130429 (Meta's default is 80).
        public var throughputPerSecond = 80
        /// Minimum gap between two messages to the same recipient before 131056 (Meta: 6 s).
        public var pairRateLimitWindow: TimeInterval = 6
        /// Recipients (wa_id digits) that are not on WhatsApp: sends to them fail with 131026.
        public var undeliverable: Set<String> = []
        /// Where status and inbound webhooks go (our `whatsapp-webhook` function).
        public var webhookURL: String?
        /// Statuses sent automatically, in order, after each accepted message (e.g. ["sent", "delivered"]).
        public var automaticStatuses: [String] = []
        /// The time the rate limits are judged by; tests pass a `SteppingClock` so that limits do not
        /// depend on how fast a busy machine runs them.
        public var clock: @Sendable () -> Date = { Date() }

        public init(accessToken: String, phoneNumberID: String, appSecret: String, templates: [Template]) {
            self.accessToken = accessToken
            self.phoneNumberID = phoneNumberID
            self.appSecret = appSecret
            self.templates = templates
        }
    }

    /// A message the fake accepted.
    public struct AcceptedMessage: Sendable, Equatable {
        public var wamid: String
        public var to: String
        public var waID: String
        public var template: String
        public var language: String
        public var parameters: [String]
        public var acceptedAt: Date
    }

    public let configuration: Configuration
    private var server: FakeHTTPServer!
    let lock = NSLock()
    /// Templates created through the Business Management API ("name/language" -> template).
    var managedTemplates: [String: ManagedTemplate] = [:]
    private var accepted: [AcceptedMessage] = []
    private var lastSendTo: [String: Date] = [:]
    private var recentAccepts: [Date] = []
    private var transientFailuresLeft = 0
    private var webhookStatuses: [Int] = []
    private var pendingWebhooks: [Task<Void, Never>] = []

    public init(configuration: Configuration, port: Int = 0) throws {
        self.configuration = configuration
        server = try FakeHTTPServer(port: port) { [weak self] request in
            guard let self else { return .text(503, "gone") }
            return await self.handle(request)
        }
    }

    public var port: Int { server.port }
    /// The base URL to give `WhatsAppClient` (`http://127.0.0.1:<port>/v21.0`).
    public var apiBase: String { "http://127.0.0.1:\(port)/v21.0" }

    /// Every message accepted so far, in order.
    public var acceptedMessages: [AcceptedMessage] { lock.withLock { accepted } }
    /// Every request to the messages endpoint (accepted or not).
    public var sendAttempts: Int { sendAttemptRequests.count }
    /// The requests to the messages endpoint, in order.
    public var sendAttemptRequests: [FakeHTTPRequest] { server.requests.filter { !$0.path.hasPrefix("/__fake/") && $0.path.hasSuffix("/messages") } }
    /// HTTP statuses our webhook endpoint answered, in send order.
    public var webhookResponses: [Int] { lock.withLock { webhookStatuses } }

    /// The next `count` sends fail with HTTP 500 and transient code 2.
    public func injectTransientFailures(_ count: Int) { lock.withLock { transientFailuresLeft += count } }

    /// Waits until every automatic webhook has been delivered.
    public func waitForWebhooks() async {
        let tasks = lock.withLock { pendingWebhooks }
        for task in tasks { await task.value }
    }

    public func shutdown() { server.shutdown() }

    // MARK: - Messages endpoint

    func handle(_ request: FakeHTTPRequest) async -> FakeHTTPResponse {
        if request.path.hasPrefix("/__fake/") { return await control(request) }
        let parts = request.path.split(separator: "/").map(String.init)
        if parts.count >= 2, parts[0].hasPrefix("v"), !(parts.count == 3 && parts[2] == "messages") {
            return management(request, parts: parts)
        }
        guard request.method == "POST", parts.count == 3, parts[0].hasPrefix("v"), parts[2] == "messages" else {
            return graphError(400, code: 100, type: "GraphMethodException",
                              message: "Unsupported \(request.method.lowercased()) request. Please read the Graph API documentation")
        }
        guard request.header("Authorization") == "Bearer \(configuration.accessToken)" else {
            return graphError(401, code: 190, type: "OAuthException", message: "Invalid OAuth access token - Cannot parse access token")
        }
        guard parts[1] == configuration.phoneNumberID else {
            return graphError(400, code: 100, type: "GraphMethodException", subcode: 33,
                              message: "Unsupported post request. Object with ID '\(parts[1])' does not exist, cannot be loaded due to missing permissions, or does not support this operation.")
        }
        let injectFailure = lock.withLock { () -> Bool in
            guard transientFailuresLeft > 0 else { return false }
            transientFailuresLeft -= 1
            return true
        }
        if injectFailure {
            return graphError(500, code: 2, type: "OAuthException", message: "Service temporarily unavailable")
        }
        guard let json = request.jsonObject else {
            return invalidParameter("The request body is not valid JSON")
        }
        guard json["messaging_product"] as? String == "whatsapp" else {
            return invalidParameter("The parameter messaging_product is required.")
        }
        guard let to = json["to"] as? String, !to.isEmpty else { return invalidParameter("The parameter to is required.") }
        let waID = to.filter(\.isNumber)
        guard waID.count >= 8, waID.count <= 15, to.allSatisfy({ $0.isNumber || $0 == "+" }) else {
            return invalidParameter("Invalid recipient phone number: \(to)")
        }
        guard json["type"] as? String == "template", let template = json["template"] as? [String: Any] else {
            return invalidParameter("Only template messages can be sent by this fake (type must be \"template\").")
        }
        guard let name = template["name"] as? String,
              let language = (template["language"] as? [String: Any])?["code"] as? String else {
            return invalidParameter("template.name and template.language.code are required.")
        }
        if let managed = lock.withLock({ managedTemplates["\(name)/\(language)"] }), managed.status != "APPROVED" {
            switch managed.status {
            case "PAUSED": return graphError(400, code: 132015, type: "OAuthException", message: "(#132015) Template is paused", details: "Template \(name) is paused.")
            case "DISABLED": return graphError(400, code: 132016, type: "OAuthException", message: "(#132016) Template is disabled", details: "Template \(name) is disabled.")
            default: return graphError(404, code: 132001, type: "OAuthException", message: "(#132001) Template name does not exist in the translation",
                                       details: "template name (\(name)) does not exist in \(language) (status \(managed.status))")
            }
        }
        guard let registered = configuration.templates.first(where: { $0.name == name && ($0.language == nil || $0.language == language) })
                ?? lock.withLock({ managedTemplates["\(name)/\(language)"] }).map({ Template(name: name, language: language, bodyParameterCount: $0.bodyParameterCount) }) else {
            return graphError(404, code: 132001, type: "OAuthException", message: "(#132001) Template name does not exist in the translation",
                              details: "template name (\(name)) does not exist in \(language)")
        }
        var parameters: [String] = []
        for component in template["components"] as? [[String: Any]] ?? [] where component["type"] as? String == "body" {
            for parameter in component["parameters"] as? [[String: Any]] ?? [] {
                guard parameter["type"] as? String == "text", let text = parameter["text"] as? String else {
                    return invalidParameter("Each body parameter needs type \"text\" and a text value.")
                }
                parameters.append(text)
            }
        }
        guard parameters.count == registered.bodyParameterCount else {
            return graphError(400, code: 132000, type: "OAuthException",
                              message: "(#132000) Number of parameters does not match the expected number of params",
                              details: "body: number of localizable_params (\(parameters.count)) does not match the expected number of params (\(registered.bodyParameterCount))")
        }
        let now = configuration.clock()
        enum Verdict { case throughput, pair, undeliverable, accepted(AcceptedMessage) }
        let verdict: Verdict = lock.withLock {
            recentAccepts.removeAll { now.timeIntervalSince($0) >= 1 }
            if recentAccepts.count >= configuration.throughputPerSecond { return .throughput }
            if let last = lastSendTo[waID], now.timeIntervalSince(last) < configuration.pairRateLimitWindow { return .pair }
            if configuration.undeliverable.contains(waID) { return .undeliverable }
            let message = AcceptedMessage(wamid: Self.makeWamid(), to: to, waID: waID, template: name, language: language,
                                          parameters: parameters, acceptedAt: now)
            recentAccepts.append(now)
            lastSendTo[waID] = now
            accepted.append(message)
            return .accepted(message)
        }
        switch verdict {
        case .throughput:
            return graphError(400, code: 130429, type: "OAuthException", message: "(#130429) Rate limit hit",
                              details: "Cloud API message throughput has been reached.")
        case .pair:
            return graphError(400, code: 131056, type: "OAuthException",
                              message: "(#131056) (Business Account, Consumer Account) pair rate limit hit",
                              details: "Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.")
        case .undeliverable:
            return graphError(400, code: 131026, type: "OAuthException", message: "(#131026) Message undeliverable",
                              details: "Message Undeliverable.")
        case .accepted(let message):
            scheduleAutomaticStatuses(for: message)
            return .json(200, [
                "messaging_product": "whatsapp",
                "contacts": [["input": to, "wa_id": waID]],
                "messages": [["id": message.wamid]],
            ])
        }
    }

    func invalidParameter(_ details: String) -> FakeHTTPResponse {
        graphError(400, code: 100, type: "OAuthException", message: "(#100) Invalid parameter", details: details)
    }

    func graphError(_ status: Int, code: Int, type: String, subcode: Int? = nil, message: String, details: String? = nil) -> FakeHTTPResponse {
        var error: [String: Any] = ["message": message, "type": type, "code": code, "fbtrace_id": "A" + Self.randomToken(22)]
        if let subcode { error["error_subcode"] = subcode }
        if let details { error["error_data"] = ["messaging_product": "whatsapp", "details": details] }
        if status >= 500 { error["is_transient"] = true }
        return .json(status, ["error": error])
    }

    // MARK: - Webhooks

    /// Sends a signed status webhook for a wamid; returns our endpoint's HTTP status.
    @discardableResult
    public func sendStatus(wamid: String, status: String, recipient: String? = nil,
                           error: (code: Int, title: String, message: String, details: String)? = nil) async throws -> Int {
        let waID = recipient ?? acceptedMessages.first { $0.wamid == wamid }?.waID ?? "0"
        var entry: [String: Any] = [
            "id": wamid, "status": status, "timestamp": String(Int(Date().timeIntervalSince1970)), "recipient_id": waID,
        ]
        if status == "sent" {
            entry["conversation"] = ["id": Self.randomToken(32), "expiration_timestamp": String(Int(Date().timeIntervalSince1970) + 86400),
                                     "origin": ["type": "utility"]]
            entry["pricing"] = ["billable": true, "pricing_model": "CBP", "category": "utility"]
        }
        if let error {
            entry["errors"] = [["code": error.code, "title": error.title, "message": error.message,
                                "error_data": ["details": error.details]]]
        }
        return try await postWebhook(value: ["statuses": [entry]])
    }

    /// Sends a signed inbound text message webhook (a client writing to us).
    @discardableResult
    public func sendInboundText(from waID: String, name: String, text: String) async throws -> Int {
        let message: [String: Any] = [
            "from": waID, "id": Self.makeWamid(), "timestamp": String(Int(Date().timeIntervalSince1970)),
            "type": "text", "text": ["body": text],
        ]
        return try await postWebhook(value: ["contacts": [["profile": ["name": name], "wa_id": waID]], "messages": [message]])
    }

    /// The exact bytes and signature header Meta would send for a `messages` change value.
    public func signedWebhook(value: [String: Any], field: String = "messages") -> (body: [UInt8], signature: String) {
        var value = value
        if field == "messages" {
            value["messaging_product"] = "whatsapp"
            value["metadata"] = ["display_phone_number": configuration.displayPhoneNumber, "phone_number_id": configuration.phoneNumberID]
        }
        let envelope: [String: Any] = [
            "object": "whatsapp_business_account",
            "entry": [["id": configuration.wabaID, "changes": [["field": field, "value": value]]]],
        ]
        let body = Array((try? JSONSerialization.data(withJSONObject: envelope, options: [.withoutEscapingSlashes])) ?? Data())
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Array(configuration.appSecret.utf8)))
        return (body, "sha256=" + mac.map { String(format: "%02x", $0) }.joined())
    }

    func postWebhook(value: [String: Any], field: String = "messages") async throws -> Int {
        guard let url = configuration.webhookURL else { throw WebhookPoster.Failure(description: "no webhook URL configured") }
        let (body, signature) = signedWebhook(value: value, field: field)
        let status = try await WebhookPoster.post(url: url, headers: [
            ("Content-Type", "application/json"), ("X-Hub-Signature-256", signature),
        ], body: body)
        lock.withLock { webhookStatuses.append(status) }
        return status
    }

    private func scheduleAutomaticStatuses(for message: AcceptedMessage) {
        guard configuration.webhookURL != nil, !configuration.automaticStatuses.isEmpty else { return }
        let statuses = configuration.automaticStatuses
        let task = Task(executorPreference: FakeExecutor.shared) {
            for status in statuses { _ = try? await self.sendStatus(wamid: message.wamid, status: status, recipient: message.waID) }
        }
        lock.withLock { pendingWebhooks.append(task) }
    }

    // MARK: - Control API (for roch-fakes and Python tests)

    private func control(_ request: FakeHTTPRequest) async -> FakeHTTPResponse {
        switch (request.method, request.path) {
        case ("GET", "/__fake/messages"):
            let list: [[String: Any]] = acceptedMessages.map {
                ["wamid": $0.wamid, "to": $0.to, "wa_id": $0.waID, "template": $0.template, "language": $0.language,
                 "parameters": $0.parameters, "accepted_at": $0.acceptedAt.timeIntervalSince1970]
            }
            return .json(200, ["messages": list, "send_attempts": sendAttempts])
        case ("POST", "/__fake/fail-next"):
            let count = request.jsonObject?["count"] as? Int ?? 1
            injectTransientFailures(count)
            return .json(200, ["ok": true])
        case ("POST", "/__fake/status"):
            guard let json = request.jsonObject, let wamid = json["wamid"] as? String, let status = json["status"] as? String else {
                return .json(400, ["error": "need wamid and status"])
            }
            var error: (Int, String, String, String)?
            if let code = json["error_code"] as? Int {
                error = (code, json["error_title"] as? String ?? "Message undeliverable", json["error_message"] as? String ?? "Message undeliverable",
                         json["error_details"] as? String ?? "Message Undeliverable.")
            }
            do {
                let answered = try await sendStatus(wamid: wamid, status: status, error: error)
                return .json(200, ["webhook_status": answered])
            } catch { return .json(502, ["error": "\(error)"]) }
        case ("POST", "/__fake/inbound"):
            guard let json = request.jsonObject, let from = json["from"] as? String, let text = json["text"] as? String else {
                return .json(400, ["error": "need from and text"])
            }
            do {
                let answered = try await sendInboundText(from: from, name: json["name"] as? String ?? "Client", text: text)
                return .json(200, ["webhook_status": answered])
            } catch { return .json(502, ["error": "\(error)"]) }
        case ("POST", "/__fake/template-status"):
            return await templateStatusControl(request)
        default:
            return .json(404, ["error": "unknown control endpoint \(request.method) \(request.path)"])
        }
    }

    // MARK: - Ids

    static func makeWamid() -> String {
        "wamid.HBgM" + Data((0..<24).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "+", with: "-")
    }

    static func randomToken(_ length: Int) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        return String((0..<length).map { _ in alphabet.randomElement()! })
    }
}

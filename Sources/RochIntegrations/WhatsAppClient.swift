/// Sends pre-approved template messages through the WhatsApp Cloud API.
public struct WhatsAppClient: Sendable {
    public struct Configuration: Sendable {
        /// Graph API base including the version, without a trailing slash.
        public var apiBase: String
        public var phoneNumberID: String
        public var accessToken: String
        public var retry: RetryPolicy
        /// The unit of Meta's 4^X backoff for the pair rate limit (131056); tests shrink it.
        public var pairRateLimitBackoffUnit: Duration

        public init(apiBase: String = "https://graph.facebook.com/v21.0", phoneNumberID: String, accessToken: String,
                    retry: RetryPolicy = RetryPolicy(), pairRateLimitBackoffUnit: Duration = .seconds(1)) {
            self.apiBase = apiBase.hasSuffix("/") ? String(apiBase.dropLast()) : apiBase
            self.phoneNumberID = phoneNumberID
            self.accessToken = accessToken
            self.retry = retry
            self.pairRateLimitBackoffUnit = pairRateLimitBackoffUnit
        }
    }

    public var configuration: Configuration
    public var http: HTTPClient

    public init(configuration: Configuration, http: HTTPClient = HTTPClient()) {
        self.configuration = configuration
        self.http = http
    }

    /// Sends a template with ordered body parameters. Success means Meta accepted the message;
    /// delivery arrives later by webhook. Retryable failures are retried per the policy.
    public func sendTemplate(to recipient: String, template: String, language: String,
                             bodyParameters: [String]) async throws(WhatsAppError) -> WhatsAppSendResult {
        let payload = WhatsAppTemplateMessage(to: recipient, template: template, language: language, bodyParameters: bodyParameters)
        let body: [UInt8]
        do { body = try ProviderJSON.encode(payload) } catch {
            throw WhatsAppError(kind: .malformedResponse, message: "could not encode the message: \(error)")
        }
        let request = HTTPRequest(method: "POST", url: "\(configuration.apiBase)/\(configuration.phoneNumberID)/messages", headers: [
            ("Authorization", "Bearer \(configuration.accessToken)"),
            ("Content-Type", "application/json"),
            ("Accept", "application/json"),
        ], body: body)
        do {
            return try await configuration.retry.run({ _ in try await attempt(request) }, decide: { error, attempt in
                guard let error = error as? WhatsAppError, error.isRetryable else { return nil }
                if case .network(let kind) = error.kind, !configuration.retry.retriesNetworkErrors.contains(kind) { return nil }
                return error.suggestedBackoff(beforeRetry: attempt, unit: configuration.pairRateLimitBackoffUnit) ?? .zero
            })
        } catch let error as WhatsAppError {
            throw error
        } catch {
            throw WhatsAppError(kind: .network(.other), message: "\(error)")  // cancellation while backing off
        }
    }

    private func attempt(_ request: HTTPRequest) async throws(WhatsAppError) -> WhatsAppSendResult {
        let response: HTTPResponse
        do { response = try await http.send(request) } catch {
            throw WhatsAppError(kind: .network(error.kind), message: error.message)
        }
        if (200..<300).contains(response.status) {
            guard let result = try? ProviderJSON.decode(WhatsAppSendResult.self, from: response.body), result.messageID != nil else {
                throw WhatsAppError(kind: .malformedResponse, httpStatus: response.status,
                                    message: "no messages[0].id in the response: \(response.bodyText.prefix(200))")
            }
            return result
        }
        if let envelope = try? ProviderJSON.decode(GraphErrorEnvelope.self, from: response.body) {
            let e = envelope.error
            throw WhatsAppError(kind: .api, httpStatus: response.status, code: e.code, message: e.message ?? "",
                                type: e.type, details: e.errorData?.details, fbtraceID: e.fbtraceID)
        }
        throw WhatsAppError(kind: .http, httpStatus: response.status, message: String(response.bodyText.prefix(200)))
    }
}

/// Meta's answer to an accepted send.
public struct WhatsAppSendResult: Codable, Sendable, Equatable {
    public struct Contact: Codable, Sendable, Equatable {
        public var input: String?
        public var waID: String?
        enum CodingKeys: String, CodingKey { case input, waID = "wa_id" }
    }
    public struct Message: Codable, Sendable, Equatable {
        public var id: String
        public var messageStatus: String?
        enum CodingKeys: String, CodingKey { case id, messageStatus = "message_status" }
    }

    public var messagingProduct: String?
    public var contacts: [Contact]
    public var messages: [Message]

    /// The wamid that later webhooks refer to.
    public var messageID: String? { messages.first?.id }

    enum CodingKeys: String, CodingKey { case messagingProduct = "messaging_product", contacts, messages }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        messagingProduct = try c.decodeIfPresent(String.self, forKey: .messagingProduct)
        contacts = try c.decodeIfPresent([Contact].self, forKey: .contacts) ?? []
        messages = try c.decodeIfPresent([Message].self, forKey: .messages) ?? []
    }
}

/// The documented body of a template send.
public struct WhatsAppTemplateMessage: Codable, Sendable, Equatable {
    public struct Template: Codable, Sendable, Equatable {
        public var name: String
        public var language: Language
        public var components: [Component]?
    }
    public struct Language: Codable, Sendable, Equatable { public var code: String }
    public struct Component: Codable, Sendable, Equatable {
        public var type: String
        public var parameters: [Parameter]?
    }
    public struct Parameter: Codable, Sendable, Equatable {
        public var type: String
        public var text: String?
    }

    public var messagingProduct: String
    public var recipientType: String?
    public var to: String
    public var type: String
    public var template: Template?

    enum CodingKeys: String, CodingKey {
        case messagingProduct = "messaging_product", recipientType = "recipient_type", to, type, template
    }

    public init(to: String, template: String, language: String, bodyParameters: [String]) {
        messagingProduct = "whatsapp"
        recipientType = "individual"
        self.to = to
        type = "template"
        let components = bodyParameters.isEmpty ? [] : [Component(type: "body", parameters: bodyParameters.map { Parameter(type: "text", text: $0) })]
        self.template = Template(name: template, language: Language(code: language), components: components)
    }

    /// Body parameters across the template's components, for checks against a template's placeholders.
    public var bodyParameterCount: Int {
        (template?.components ?? []).filter { $0.type == "body" }.reduce(0) { $0 + ($1.parameters?.count ?? 0) }
    }
}

/// Graph API error body `{"error":{...}}`.
public struct GraphErrorEnvelope: Codable, Sendable {
    public struct GraphError: Codable, Sendable {
        public struct ErrorData: Codable, Sendable {
            public var messagingProduct: String?
            public var details: String?
            enum CodingKeys: String, CodingKey { case messagingProduct = "messaging_product", details }
            public init(messagingProduct: String? = "whatsapp", details: String?) {
                self.messagingProduct = messagingProduct
                self.details = details
            }
        }
        public var message: String?
        public var type: String?
        public var code: Int?
        public var errorSubcode: Int?
        public var errorData: ErrorData?
        public var fbtraceID: String?

        enum CodingKeys: String, CodingKey {
            case message, type, code, errorSubcode = "error_subcode", errorData = "error_data", fbtraceID = "fbtrace_id"
        }

        public init(message: String?, type: String?, code: Int?, errorSubcode: Int? = nil, errorData: ErrorData?, fbtraceID: String?) {
            self.message = message
            self.type = type
            self.code = code
            self.errorSubcode = errorSubcode
            self.errorData = errorData
            self.fbtraceID = fbtraceID
        }
    }
    public var error: GraphError

    public init(error: GraphError) { self.error = error }
}

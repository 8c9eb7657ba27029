import Foundation

/// The read and management calls of Meta's Graph API that go beside sending: message templates of
/// the WhatsApp Business Account (create, list) and the phone number's own record (a read-only
/// credentials check for `roch doctor --providers`).
public struct WhatsAppManagementClient: Sendable {
    public var apiBase: String
    public var accessToken: String
    public var http: HTTPClient

    public init(apiBase: String, accessToken: String, http: HTTPClient = HTTPClient()) {
        self.apiBase = apiBase.hasSuffix("/") ? String(apiBase.dropLast()) : apiBase
        self.accessToken = accessToken
        self.http = http
    }

    /// Why a Graph call failed.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        /// nil: no HTTP answer (refused, timeout, TLS).
        public var httpStatus: Int?
        public var code: Int?
        public var subcode: Int?
        public var message: String

        /// 401 or OAuth code 190: the access token is wrong or expired.
        public var isBadToken: Bool { httpStatus == 401 || code == 190 }
        /// Meta's "a template with this name and language already exists" (code 100, subcode 2388024).
        public var isDuplicateTemplate: Bool { subcode == 2388024 }

        public var description: String {
            var parts: [String] = []
            if let httpStatus { parts.append("HTTP \(httpStatus)") } else { parts.append("no answer") }
            if let code { parts.append("code \(code)") }
            if let subcode { parts.append("subcode \(subcode)") }
            return parts.joined(separator: ", ") + ": " + message
        }
    }

    /// One template as the API describes it.
    public struct Template: Codable, Sendable, Equatable {
        public var id: String?
        public var name: String?
        public var language: String?
        public var status: String?
        public var category: String?
        public var rejectedReason: String?
        enum CodingKeys: String, CodingKey { case id, name, language, status, category, rejectedReason = "rejected_reason" }
    }

    /// The body of POST /{WABA_ID}/message_templates.
    public struct TemplateSubmission: Encodable, Sendable, Equatable {
        public struct Component: Encodable, Sendable, Equatable {
            public struct Example: Encodable, Sendable, Equatable {
                public var bodyText: [[String]]
                enum CodingKeys: String, CodingKey { case bodyText = "body_text" }
            }
            public var type = "BODY"
            public var text: String
            public var example: Example?
        }
        public var name: String
        public var language: String
        public var category: String
        public var components: [Component]

        public init(name: String, language: String, category: String, bodyText: String, bodyExamples: [String]) {
            self.name = name
            self.language = language
            self.category = category
            components = [Component(text: bodyText, example: bodyExamples.isEmpty ? nil : .init(bodyText: [bodyExamples]))]
        }
    }

    /// Submits a template for review; Meta answers with its id and status (usually PENDING).
    public func submitTemplate(wabaID: String, _ submission: TemplateSubmission) async throws(Failure) -> Template {
        let body: [UInt8]
        do { body = try ProviderJSON.encode(submission) } catch { throw Failure(message: "cannot encode the template: \(error)") }
        return try await call("POST", "/\(wabaID)/message_templates", body: body, as: Template.self)
    }

    /// The templates called `name` (every language).
    public func templates(wabaID: String, name: String) async throws(Failure) -> [Template] {
        struct Page: Decodable { var data: [Template] }
        let query = "name=\(Self.queryEscape(name))&fields=id,name,status,language,category,rejected_reason"
        return try await call("GET", "/\(wabaID)/message_templates?\(query)", body: [], as: Page.self).data
    }

    /// The phone number's record (GET /{PHONE_NUMBER_ID}): proves the token may use that number.
    public struct PhoneNumber: Decodable, Sendable, Equatable {
        public var id: String?
        public var displayPhoneNumber: String?
        public var verifiedName: String?
        enum CodingKeys: String, CodingKey { case id, displayPhoneNumber = "display_phone_number", verifiedName = "verified_name" }
    }

    public func phoneNumber(_ id: String) async throws(Failure) -> PhoneNumber {
        try await call("GET", "/\(id)?fields=id,display_phone_number,verified_name", body: [], as: PhoneNumber.self)
    }

    private func call<T: Decodable>(_ method: String, _ path: String, body: [UInt8], as type: T.Type) async throws(Failure) -> T {
        var headers: [(name: String, value: String)] = [("Authorization", "Bearer \(accessToken)"), ("Accept", "application/json")]
        if !body.isEmpty { headers.append(("Content-Type", "application/json")) }
        let response: HTTPResponse
        do { response = try await http.send(HTTPRequest(method: method, url: apiBase + path, headers: headers, body: body)) } catch {
            throw Failure(httpStatus: nil, message: error.message)
        }
        guard (200..<300).contains(response.status) else {
            if let e = try? ProviderJSON.decode(GraphErrorEnvelope.self, from: response.body).error {
                throw Failure(httpStatus: response.status, code: e.code, subcode: e.errorSubcode, message: e.message ?? "")
            }
            throw Failure(httpStatus: response.status, message: String(response.bodyText.prefix(200)))
        }
        do { return try ProviderJSON.decode(T.self, from: response.body) } catch {
            throw Failure(httpStatus: response.status, message: "unreadable answer: \(response.bodyText.prefix(200))")
        }
    }

    static func queryEscape(_ s: String) -> String {
        s.unicodeScalars.map { c in
            ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c) || "-_.~".unicodeScalars.contains(c)
                ? String(c) : String(c.utf8.map { String(format: "%%%02X", $0) }.joined())
        }.joined()
    }
}

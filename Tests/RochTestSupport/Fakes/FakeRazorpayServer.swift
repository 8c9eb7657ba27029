import Crypto
import Foundation

/// A fake Razorpay account: Payment Links create / fetch / list-by-reference / cancel with Basic
/// auth and the documented validation and error bodies; refunds through the API
/// (FakeRazorpayServer+Refunds.swift); payments, expiry and settled refunds driven by the test; signed webhooks and callback redirects (see FakeRazorpayServer+Events.swift).
public final class FakeRazorpayServer: @unchecked Sendable {
    public struct Configuration: Sendable {
        public var keyID: String
        public var keySecret: String
        public var webhookSecret: String
        public var accountID = "acc_RochFake0000001"
        /// Where webhooks go (our `razorpay-webhook` function).
        public var webhookURL: String?
        /// Send each state change's webhooks automatically, in order, as they happen.
        public var deliverWebhooksAutomatically = false
        /// Links' short_url point at this fake's own checkout page (FakeRazorpayServer+Checkout.swift).
        public var servesCheckout = false

        public init(keyID: String, keySecret: String, webhookSecret: String) {
            self.keyID = keyID
            self.keySecret = keySecret
            self.webhookSecret = webhookSecret
        }
    }

    /// A payment captured against a link.
    public struct Payment: Sendable, Equatable {
        public var id: String
        public var amount: Int64
        public var method: String
        public var createdAt: Int64
        public var amountRefunded: Int64 = 0
    }

    /// The fake's record of a link.
    public struct Link: Sendable {
        public var id: String
        public var shortURL: String
        public var status: String
        public var amount: Int64
        public var amountPaid: Int64 = 0
        public var currency: String
        public var acceptPartial: Bool
        public var firstMinPartialAmount: Int64
        public var referenceID: String?
        public var description: String
        public var customer: [String: String]
        public var notify: [String: Bool]
        public var reminderEnable: Bool
        public var notes: [String: String]
        public var callbackURL: String?
        public var callbackMethod: String?
        public var createdAt: Int64
        public var updatedAt: Int64
        public var expireBy: Int64
        public var expiredAt: Int64 = 0
        public var cancelledAt: Int64 = 0
        public var orderID: String?
        public var payments: [Payment] = []
    }

    public let configuration: Configuration
    var server: FakeHTTPServer!
    let lock = NSLock()
    var links: [String: Link] = [:]
    var linkOrder: [String] = []
    var usedReferenceIDs: Set<String> = []
    var transientFailuresLeft = 0
    var deliveryLog: [(eventID: String, event: String, status: Int)] = []
    var pendingDeliveries: [Task<Void, Never>] = []
    /// Every event built so far, by id (for redelivery through the control API).
    var eventsByID: [String: RazorpayWebhookDelivery] = [:]
    var eventLog: [RazorpayWebhookDelivery] = []
    /// Refunds made through the API (FakeRazorpayServer+Refunds.swift), and the idempotency keys seen.
    var refundsByID: [String: Refund] = [:]
    var refundOrder: [String] = []
    var refundIdempotency: [String: (bodyHash: String, refundID: String)] = [:]

    public init(configuration: Configuration, port: Int = 0) throws {
        self.configuration = configuration
        server = try FakeHTTPServer(port: port) { [weak self] request in
            guard let self else { return .text(503, "gone") }
            return await self.handle(request)
        }
    }

    public var port: Int { server.port }
    /// The base URL to give `RazorpayClient` (`http://127.0.0.1:<port>`).
    public var apiBase: String { "http://127.0.0.1:\(port)" }
    /// Every API request received (control endpoints excluded).
    public var apiRequests: [FakeHTTPRequest] { server.requests.filter { $0.path.hasPrefix("/v1/") } }

    public func link(id: String) -> Link? { lock.withLock { links[id] } }
    /// Every event the fake has produced (payments, expiry, API cancellations, refunds), in order,
    /// whether or not it was delivered: pick any of them to deliver, redeliver or reorder.
    public var events: [RazorpayWebhookDelivery] { lock.withLock { eventLog } }
    public var allLinks: [Link] { lock.withLock { linkOrder.compactMap { links[$0] } } }

    /// The next `count` API calls answer 500 SERVER_ERROR.
    public func injectTransientFailures(_ count: Int) { lock.withLock { transientFailuresLeft += count } }

    public func shutdown() { server.shutdown() }

    // MARK: - API

    func handle(_ request: FakeHTTPRequest) async -> FakeHTTPResponse {
        if request.path.hasPrefix("/__fake/") { return await control(request) }
        if configuration.servesCheckout, request.path.hasPrefix("/i/"), let page = await checkout(request) { return page }
        guard authorised(request) else {
            return Self.error(401, description: "The api key provided is invalid", field: nil, source: "NA", step: "NA", reason: "NA")
        }
        let injectFailure = lock.withLock { () -> Bool in
            guard transientFailuresLeft > 0 else { return false }
            transientFailuresLeft -= 1
            return true
        }
        if injectFailure {
            return Self.error(500, code: "SERVER_ERROR", description: "The server encountered an error. The incident has been reported to admins.",
                              field: nil, source: "NA", step: "NA", reason: "NA")
        }
        let parts = request.path.split(separator: "/").map(String.init)
        switch (request.method, parts.count) {
        case ("POST", 2) where parts == ["v1", "payment_links"]:
            return create(request)
        case ("GET", 2) where parts == ["v1", "payment_links"]:
            return list(request.query)
        case ("GET", 2) where parts == ["v1", "payments"]:
            return listPayments(request.query)
        case ("GET", 3) where parts[0...1] == ["v1", "payment_links"]:
            guard let link = link(id: parts[2]) else { return Self.error(400, description: "The id provided does not exist", field: "id") }
            return .json(200, Self.json(link))
        case ("POST", 4) where parts[0...1] == ["v1", "payment_links"] && parts[3] == "cancel":
            return cancel(id: parts[2])
        case ("POST", 4) where parts[0...1] == ["v1", "payments"] && parts[3] == "refund":
            return createRefund(paymentID: parts[2], request)
        default:
            return Self.error(400, description: "The requested URL was not found on the server.", field: nil)
        }
    }

    private func authorised(_ request: FakeHTTPRequest) -> Bool {
        guard let header = request.header("Authorization"), header.hasPrefix("Basic "),
              let decoded = Data(base64Encoded: String(header.dropFirst(6))) else { return false }
        return String(decoding: decoded, as: UTF8.self) == "\(configuration.keyID):\(configuration.keySecret)"
    }

    private func create(_ request: FakeHTTPRequest) -> FakeHTTPResponse {
        guard let json = request.jsonObject else { return Self.error(400, description: "The request body is not valid JSON", field: nil) }
        let now = Int64(Date().timeIntervalSince1970)
        guard let amountValue = json["amount"] else { return Self.error(400, description: "The amount field is required.", field: "amount") }
        guard let amount = Self.integer(amountValue) else { return Self.error(400, description: "The amount must be an integer.", field: "amount") }
        guard amount >= 100 else { return Self.error(400, description: "The amount must be atleast INR 1.00.", field: "amount") }
        let currency = json["currency"] as? String ?? "INR"
        guard currency == "INR" else { return Self.error(400, description: "The selected currency is invalid.", field: "currency") }
        let acceptPartial = json["accept_partial"] as? Bool ?? false
        var firstMin: Int64 = 0
        if let value = json["first_min_partial_amount"], !(value is NSNull) {
            guard acceptPartial else {
                return Self.error(400, description: "first_min_partial_amount is not allowed when accept_partial is false.", field: "first_min_partial_amount")
            }
            guard let number = Self.integer(value), number >= 100, number <= amount else {
                return Self.error(400, description: "The first min partial amount must be between INR 1.00 and the amount.", field: "first_min_partial_amount")
            }
            firstMin = number
        }
        var expireBy: Int64 = 0
        if let value = json["expire_by"], !(value is NSNull) {
            guard let number = Self.integer(value) else { return Self.error(400, description: "The expire by must be an integer.", field: "expire_by") }
            guard number >= now + 15 * 60 else {
                return Self.error(400, description: "The expire by should be at least 15 minutes after current time", field: "expire_by")
            }
            guard number <= now + 183 * 86400 else {
                return Self.error(400, description: "The expire by should not be more than 6 months from current time", field: "expire_by")
            }
            expireBy = number
        }
        let referenceID = json["reference_id"] as? String
        if let referenceID, referenceID.count > 40 {
            return Self.error(400, description: "The reference id may not be greater than 40 characters.", field: "reference_id")
        }
        let description = json["description"] as? String ?? ""
        guard description.count <= 2048 else {
            return Self.error(400, description: "The description may not be greater than 2048 characters.", field: "description")
        }
        let notes = json["notes"] as? [String: Any] ?? [:]
        guard notes.count <= 15 else {
            return Self.error(400, description: "Number of fields in notes should be less than or equal to 15", field: "notes")
        }
        let callbackURL = json["callback_url"] as? String
        let callbackMethod = json["callback_method"] as? String
        if callbackURL != nil && callbackMethod != "get" {
            return Self.error(400, description: "The callback method is required with callback url and must be get.", field: "callback_method")
        }
        let customer = (json["customer"] as? [String: Any] ?? [:]).compactMapValues { $0 as? String }
        if let email = customer["email"], !email.contains("@") {
            return Self.error(400, description: "The customer email must be a valid email address.", field: "email")
        }
        let notify = (json["notify"] as? [String: Any] ?? [:]).compactMapValues { $0 as? Bool }

        let link: Link? = lock.withLock {
            if let referenceID {
                guard !usedReferenceIDs.contains(referenceID) else { return nil }
                usedReferenceIDs.insert(referenceID)
            }
            let id = "plink_" + FakeWhatsAppServer.randomToken(14)
            let shortBase = configuration.servesCheckout ? "\(apiBase)/i/" : "https://rzp.io/i/"
            let link = Link(id: id, shortURL: shortBase + FakeWhatsAppServer.randomToken(8), status: "created", amount: amount,
                            currency: currency, acceptPartial: acceptPartial, firstMinPartialAmount: firstMin, referenceID: referenceID,
                            description: description, customer: customer, notify: ["sms": notify["sms"] ?? true, "email": notify["email"] ?? true],
                            reminderEnable: json["reminder_enable"] as? Bool ?? true, notes: notes.compactMapValues { "\($0)" },
                            callbackURL: callbackURL, callbackMethod: callbackMethod, createdAt: now, updatedAt: now, expireBy: expireBy)
            links[id] = link
            linkOrder.append(id)
            return link
        }
        guard let link else {
            return Self.error(400, description: "payment link creation with reference ID already attempted", field: "reference_id")
        }
        return .json(200, Self.json(link))
    }

    private func list(_ query: [String: String]) -> FakeHTTPResponse {
        var result = allLinks
        if let referenceID = query["reference_id"] { result = result.filter { $0.referenceID == referenceID } }
        if let paymentID = query["payment_id"] { result = result.filter { $0.payments.contains { $0.id == paymentID } } }
        return .json(200, ["payment_links": result.reversed().map(Self.json)])
    }

    /// `GET /v1/payments?count=N` (1-100, default 10): the newest payments as a collection.
    private func listPayments(_ query: [String: String]) -> FakeHTTPResponse {
        let count = query["count"].map { Int($0) ?? -1 } ?? 10
        guard (1...100).contains(count) else { return Self.error(400, description: "The count must be between 1 and 100.", field: "count") }
        let payments = allLinks.flatMap { link in link.payments.map { (link, $0) } }.sorted { $0.1.createdAt > $1.1.createdAt }.prefix(count)
        let items: [[String: Any]] = payments.map { link, p in
            ["id": p.id, "entity": "payment", "amount": p.amount, "currency": link.currency, "status": "captured", "method": p.method,
             "amount_refunded": p.amountRefunded, "captured": true, "created_at": p.createdAt]
        }
        return .json(200, ["entity": "collection", "count": items.count, "items": items])
    }

    /// Razorpay cancels only links in the `created` (issued) state: "You cannot cancel Payment Links
    /// in the partially_paid or paid state" (docs: Payment Link States), nor expired or cancelled ones.
    private func cancel(id: String) -> FakeHTTPResponse {
        let outcome: Result<Link, FakeHTTPResponse> = lock.withLock {
            guard var link = links[id] else { return .failure(Self.error(400, description: "The id provided does not exist", field: "id")) }
            guard link.status == "created" else {
                return .failure(Self.error(400, description: "Payment Link cannot be cancelled as it is in \(link.status) state", field: nil))
            }
            let now = Int64(Date().timeIntervalSince1970)
            link.status = "cancelled"
            link.cancelledAt = now
            link.updatedAt = now
            links[id] = link
            return .success(link)
        }
        switch outcome {
        case .failure(let response): return response
        case .success(let link):
            let delivery = makeEvent("payment_link.cancelled", link: link, payment: nil)
            autoDeliver([delivery])
            return .json(200, Self.json(link))
        }
    }

    // MARK: - JSON

    static func error(_ status: Int, code: String = "BAD_REQUEST_ERROR", description: String, field: String?,
                      source: String = "business", step: String = "payment_initiation", reason: String = "input_validation_failed") -> FakeHTTPResponse {
        .json(status, ["error": ["code": code, "description": description, "field": field as Any? ?? NSNull(), "source": source,
                                 "step": step, "reason": reason, "metadata": [String: String]()]])
    }

    /// A JSON integer (not a boolean, not a fraction) as JSONSerialization hands it over.
    static func integer(_ value: Any) -> Int64? {
        guard let number = value as? NSNumber, !String(describing: type(of: value)).contains("Boolean") else { return nil }
        switch String(cString: number.objCType) {
        case "c", "C", "B", "d", "f": return nil
        default: return number.int64Value
        }
    }

    static func json(_ link: Link) -> [String: Any] {
        let payments: Any = link.payments.isEmpty ? NSNull() : link.payments.map { payment -> [String: Any] in
            ["payment_id": payment.id, "amount": payment.amount, "method": payment.method, "status": "captured",
             "plink_id": link.id, "created_at": payment.createdAt, "updated_at": payment.createdAt]
        }
        return [
            "id": link.id, "entity": "payment_link", "short_url": link.shortURL, "status": link.status,
            "amount": link.amount, "amount_paid": link.amountPaid, "currency": link.currency,
            "accept_partial": link.acceptPartial, "first_min_partial_amount": link.firstMinPartialAmount,
            "reference_id": link.referenceID ?? "", "description": link.description,
            "customer": link.customer, "notify": link.notify, "reminder_enable": link.reminderEnable,
            "reminders": [String](), "notes": link.notes.isEmpty ? [String]() as Any : link.notes as Any,
            "callback_url": link.callbackURL ?? "", "callback_method": link.callbackMethod ?? "",
            "created_at": link.createdAt, "updated_at": link.updatedAt, "expire_by": link.expireBy,
            "expired_at": link.expiredAt, "cancelled_at": link.cancelledAt, "order_id": link.orderID ?? "",
            "payments": payments, "upi_link": false, "user_id": "",
        ]
    }
}

extension FakeHTTPResponse: Error {}

import Crypto
import Foundation

/// One webhook as Razorpay would send it: the exact body bytes and its headers.
public struct RazorpayWebhookDelivery: Sendable {
    public var eventID: String
    public var event: String
    public var body: [UInt8]
    /// `X-Razorpay-Signature`.
    public var signature: String

    public var headers: [(name: String, value: String)] {
        [("Content-Type", "application/json"), ("X-Razorpay-Signature", signature), ("X-Razorpay-Event-Id", eventID)]
    }
}

/// What a simulated payment produced.
public struct RazorpayPaymentOutcome: Sendable {
    public var paymentID: String
    /// The link's status afterwards: `paid` or `partially_paid`.
    public var linkStatus: String
    /// `payment.captured` then `payment_link.paid` / `payment_link.partially_paid`.
    public var deliveries: [RazorpayWebhookDelivery]
}

public struct FakeRazorpayFailure: Error, CustomStringConvertible {
    public var description: String
}

extension FakeRazorpayServer {
    // MARK: - State changes driven by the test

    /// A customer pays `amount` paise (default: everything still due) on the link.
    @discardableResult
    public func pay(linkID: String, amount: Int64? = nil, method: String = "upi") throws -> RazorpayPaymentOutcome {
        let result: Result<(Link, Payment), FakeRazorpayFailure> = lock.withLock {
            guard var link = links[linkID] else { return .failure(.init(description: "no link \(linkID)")) }
            guard link.status == "created" || link.status == "partially_paid" else {
                return .failure(.init(description: "link \(linkID) is \(link.status) and cannot be paid"))
            }
            let due = link.amount - link.amountPaid
            let paying = amount ?? due
            guard paying > 0, paying <= due else { return .failure(.init(description: "amount \(paying) is not within 1...\(due)")) }
            if !link.acceptPartial && paying != due { return .failure(.init(description: "this link does not accept partial payments")) }
            if link.acceptPartial && link.amountPaid == 0 && paying < max(link.firstMinPartialAmount, 100) && paying != due {
                return .failure(.init(description: "the first payment must be at least \(link.firstMinPartialAmount)"))
            }
            let now = Int64(Date().timeIntervalSince1970)
            if link.orderID == nil { link.orderID = "order_" + FakeWhatsAppServer.randomToken(14) }
            let payment = Payment(id: "pay_" + FakeWhatsAppServer.randomToken(14), amount: paying, method: method, createdAt: now)
            link.payments.append(payment)
            link.amountPaid += paying
            link.status = link.amountPaid == link.amount ? "paid" : "partially_paid"
            link.updatedAt = now
            links[linkID] = link
            return .success((link, payment))
        }
        let (link, payment) = try result.get()
        let deliveries = [
            makeEvent("payment.captured", link: nil, payment: payment, orderID: link.orderID),
            makeEvent("payment_link.\(link.status)", link: link, payment: payment),
        ]
        autoDeliver(deliveries)
        return RazorpayPaymentOutcome(paymentID: payment.id, linkStatus: link.status, deliveries: deliveries)
    }

    /// A failed payment attempt on the link (the link stays payable). Like every attempt it pays into
    /// the link's order, made by the first checkout (a later fetch of the link shows its `order_id`).
    public func failPayment(linkID: String, method: String = "upi") throws -> RazorpayWebhookDelivery {
        let found: Link? = lock.withLock {
            guard var link = links[linkID] else { return nil }
            if link.orderID == nil { link.orderID = "order_" + FakeWhatsAppServer.randomToken(14) }
            links[linkID] = link
            return link
        }
        guard let link = found else { throw FakeRazorpayFailure(description: "no link \(linkID)") }
        let payment = Payment(id: "pay_" + FakeWhatsAppServer.randomToken(14), amount: link.amount - link.amountPaid, method: method,
                              createdAt: Int64(Date().timeIntervalSince1970))
        let delivery = makeEvent("payment.failed", link: nil, payment: payment, orderID: link.orderID, failed: true)
        autoDeliver([delivery])
        return delivery
    }

    /// The link's expiry passes.
    public func expire(linkID: String) throws -> RazorpayWebhookDelivery {
        let result: Result<Link, FakeRazorpayFailure> = lock.withLock {
            guard var link = links[linkID] else { return .failure(.init(description: "no link \(linkID)")) }
            guard link.status == "created" || link.status == "partially_paid" else {
                return .failure(.init(description: "link \(linkID) is \(link.status) and cannot expire"))
            }
            let now = Int64(Date().timeIntervalSince1970)
            link.status = "expired"
            link.expiredAt = now
            link.updatedAt = now
            links[linkID] = link
            return .success(link)
        }
        let delivery = makeEvent("payment_link.expired", link: try result.get(), payment: nil)
        autoDeliver([delivery])
        return delivery
    }

    /// A refund of `amount` paise (default: all of it) is processed for a captured payment.
    public func refund(paymentID: String, amount: Int64? = nil) throws -> RazorpayWebhookDelivery {
        let result: Result<(Payment, Int64, String?), FakeRazorpayFailure> = lock.withLock {
            guard let linkID = linkOrder.first(where: { links[$0]?.payments.contains { $0.id == paymentID } == true }),
                  var link = links[linkID], let index = link.payments.firstIndex(where: { $0.id == paymentID }) else {
                return .failure(.init(description: "no captured payment \(paymentID)"))
            }
            let refundable = link.payments[index].amount - link.payments[index].amountRefunded
            let refunding = amount ?? refundable
            guard refunding > 0, refunding <= refundable else { return .failure(.init(description: "refund \(refunding) exceeds \(refundable)")) }
            link.payments[index].amountRefunded += refunding
            links[linkID] = link
            return .success((link.payments[index], refunding, link.orderID))
        }
        let (payment, refunded, orderID) = try result.get()
        let now = Int64(Date().timeIntervalSince1970)
        let refund: [String: Any] = [
            "id": "rfnd_" + FakeWhatsAppServer.randomToken(14), "entity": "refund", "amount": refunded, "currency": "INR",
            "payment_id": payment.id, "notes": [String](), "receipt": NSNull(), "acquirer_data": ["rrn": NSNull()],
            "created_at": now, "batch_id": NSNull(), "status": "processed", "speed_processed": "normal", "speed_requested": "normal",
        ]
        let delivery = event("refund.processed", contains: ["refund", "payment"], payload: [
            "refund": ["entity": refund], "payment": ["entity": paymentJSON(payment, orderID: orderID, failed: false)],
        ])
        autoDeliver([delivery])
        return delivery
    }

    // MARK: - Webhooks

    /// Builds a signed event for a link (and payment) as they are now.
    func makeEvent(_ name: String, link: Link?, payment: Payment?, orderID: String? = nil, failed: Bool = false) -> RazorpayWebhookDelivery {
        var contains: [String] = []
        var payload: [String: Any] = [:]
        if let link {
            contains.append("payment_link")
            payload["payment_link"] = ["entity": Self.json(link)]
            if let order = link.orderID {
                contains.append("order")
                payload["order"] = ["entity": [
                    "id": order, "entity": "order", "amount": link.amount, "amount_paid": link.amountPaid,
                    "amount_due": link.amount - link.amountPaid, "currency": link.currency, "receipt": link.referenceID ?? NSNull(),
                    "offer_id": NSNull(), "status": link.status == "paid" ? "paid" : "attempted", "attempts": link.payments.count,
                    "notes": link.notes.isEmpty ? [String]() as Any : link.notes as Any, "created_at": link.createdAt,
                ] as [String: Any]]
            }
        }
        if let payment {
            contains.append("payment")
            payload["payment"] = ["entity": paymentJSON(payment, orderID: orderID ?? link?.orderID, failed: failed)]
        }
        return event(name, contains: contains, payload: payload)
    }

    func paymentJSON(_ payment: Payment, orderID: String?, failed: Bool) -> [String: Any] {
        [
            "id": payment.id, "entity": "payment", "amount": payment.amount, "currency": "INR",
            "status": failed ? "failed" : (payment.amountRefunded > 0 ? "refunded" : "captured"),
            "order_id": orderID ?? NSNull(), "invoice_id": NSNull(), "international": false, "method": payment.method,
            "amount_refunded": payment.amountRefunded, "refund_status": payment.amountRefunded > 0 ? "partial" : NSNull(),
            "captured": !failed, "description": "Payment for link", "card_id": NSNull(), "bank": NSNull(), "wallet": NSNull(),
            "vpa": payment.method == "upi" ? "client@okhdfcbank" : NSNull(), "email": "client@example.com", "contact": "+919876543210",
            "notes": [String](), "fee": failed ? NSNull() : payment.amount * 2 / 100, "tax": failed ? NSNull() : payment.amount * 36 / 10000,
            "error_code": failed ? "BAD_REQUEST_ERROR" : NSNull(),
            "error_description": failed ? "Payment processing failed because of incorrect OTP" : NSNull(),
            "error_source": failed ? "customer" : NSNull(), "error_step": failed ? "payment_authentication" : NSNull(),
            "error_reason": failed ? "incorrect_otp" : NSNull(), "created_at": payment.createdAt,
        ]
    }

    func event(_ name: String, contains: [String], payload: [String: Any]) -> RazorpayWebhookDelivery {
        let envelope: [String: Any] = [
            "entity": "event", "account_id": configuration.accountID, "event": name, "contains": contains,
            "payload": payload, "created_at": Int64(Date().timeIntervalSince1970),
        ]
        let body = Array((try? JSONSerialization.data(withJSONObject: envelope, options: [.withoutEscapingSlashes])) ?? Data())
        let delivery = RazorpayWebhookDelivery(eventID: "evt_" + FakeWhatsAppServer.randomToken(14), event: name, body: body,
                                               signature: Self.hmacHex(body, key: configuration.webhookSecret))
        lock.withLock {
            eventsByID[delivery.eventID] = delivery
            eventLog.append(delivery)
        }
        return delivery
    }

    static func hmacHex(_ bytes: [UInt8], key: String) -> String {
        HMAC<SHA256>.authenticationCode(for: bytes, using: SymmetricKey(data: Array(key.utf8))).map { String(format: "%02x", $0) }.joined()
    }

    /// Delivers one webhook to the configured URL; returns our endpoint's HTTP status.
    @discardableResult
    public func deliver(_ delivery: RazorpayWebhookDelivery) async throws -> Int {
        guard let url = configuration.webhookURL else { throw FakeRazorpayFailure(description: "no webhook URL configured") }
        let status = try await WebhookPoster.post(url: url, headers: delivery.headers, body: delivery.body)
        lock.withLock { deliveryLog.append((delivery.eventID, delivery.event, status)) }
        return status
    }

    /// Delivers the same event `times` times at once (at-least-once delivery); returns each status.
    public func deliver(_ delivery: RazorpayWebhookDelivery, times: Int) async throws -> [Int] {
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<times { group.addTask { try await self.deliver(delivery) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }

    /// Delivers the events one after another in the given order (e.g. reversed, to test ordering).
    public func deliver(inOrder deliveries: [RazorpayWebhookDelivery]) async throws -> [Int] {
        var statuses: [Int] = []
        for delivery in deliveries { statuses.append(try await deliver(delivery)) }
        return statuses
    }

    /// Every delivery made so far: event id, event name, our endpoint's status.
    public var deliveries: [(eventID: String, event: String, status: Int)] { lock.withLock { deliveryLog } }

    /// Waits for automatic deliveries to finish.
    public func waitForWebhooks() async {
        let tasks = lock.withLock { pendingDeliveries }
        for task in tasks { await task.value }
    }

    func autoDeliver(_ deliveries: [RazorpayWebhookDelivery]) {
        guard configuration.deliverWebhooksAutomatically, configuration.webhookURL != nil else { return }
        let task = Task(executorPreference: FakeExecutor.shared) { for delivery in deliveries { _ = try? await self.deliver(delivery) } }
        lock.withLock { pendingDeliveries.append(task) }
    }

    // MARK: - Callback redirect

    /// The query Razorpay appends to `callback_url` after a payment on the link.
    public func callbackQueryItems(linkID: String, paymentID: String) throws -> [(name: String, value: String)] {
        guard let link = link(id: linkID) else { throw FakeRazorpayFailure(description: "no link \(linkID)") }
        let reference = link.referenceID ?? ""
        let signature = Self.hmacHex(Array("\(link.id)|\(reference)|\(link.status)|\(paymentID)".utf8), key: configuration.keySecret)
        return [("razorpay_payment_id", paymentID), ("razorpay_payment_link_id", link.id),
                ("razorpay_payment_link_reference_id", reference), ("razorpay_payment_link_status", link.status),
                ("razorpay_signature", signature)]
    }

    /// `callback_url?razorpay_payment_id=...&...&razorpay_signature=...`.
    public func callbackURL(linkID: String, paymentID: String) throws -> String {
        guard let base = link(id: linkID)?.callbackURL else { throw FakeRazorpayFailure(description: "link \(linkID) has no callback_url") }
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-_.~")
        let query = try callbackQueryItems(linkID: linkID, paymentID: paymentID)
            .map { "\($0.name)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed) ?? $0.value)" }.joined(separator: "&")
        return base + (base.contains("?") ? "&" : "?") + query
    }
}

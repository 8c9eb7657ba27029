import Crypto
import Foundation

/// Refunds through the API, as Razorpay documents them: `POST /v1/payments/{id}/refund` (Basic
/// auth, checked by `handle`) with `amount` (paise; omitted = what remains), `speed`, `notes`,
/// `receipt` and the `X-Refund-Idempotency` header. Only captured payments can be refunded, never
/// beyond what remains (pending refunds count). A new refund is `pending` and sends
/// `refund.created`; the test (or `/__fake/process-refund`) then settles it with `refund.processed`
/// or `refund.failed`, each a signed webhook carrying the refund and its payment.
extension FakeRazorpayServer {
    /// A refund the fake made through the API.
    public struct Refund: Sendable, Equatable {
        public var id: String
        public var paymentID: String
        public var amount: Int64
        public var status: String
        public var speedRequested: String
        public var notes: [String: String]
        public var receipt: String?
        public var createdAt: Int64
    }

    public func refund(id: String) -> Refund? { lock.withLock { refundsByID[id] } }
    public var allRefunds: [Refund] { lock.withLock { refundOrder.compactMap { refundsByID[$0] } } }

    func createRefund(paymentID: String, _ request: FakeHTTPRequest) -> FakeHTTPResponse {
        let body = request.body.isEmpty ? [UInt8]("{}".utf8) : request.body
        guard let json = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] else {
            return Self.error(400, description: "The request body is not valid JSON", field: nil)
        }
        let key = request.header("X-Refund-Idempotency")
        if let key, key.count < 10 || !key.unicodeScalars.allSatisfy({ CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_" }) {
            return Self.error(400, description: "The idempotency key must be at least 10 characters of letters, numbers, hyphens and underscores.", field: nil)
        }
        let bodyHash = SHA256.hash(data: body).map { String(format: "%02x", $0) }.joined()
        var amount: Int64?
        if let value = json["amount"], !(value is NSNull) {
            guard let number = Self.integer(value) ?? (value as? String).flatMap({ Int64($0) }) else {
                return Self.error(400, description: "The amount must be an integer.", field: "amount")
            }
            guard number >= 100 else { return Self.error(400, description: "The amount must be at least INR 1.00", field: "amount") }
            amount = number
        }
        let speed = json["speed"] as? String ?? "normal"
        guard ["normal", "optimum"].contains(speed) else { return Self.error(400, description: "The selected speed is invalid.", field: "speed") }
        let notes = json["notes"] as? [String: Any] ?? [:]
        guard notes.count <= 15 else { return Self.error(400, description: "Number of fields in notes should be less than or equal to 15", field: "notes") }
        let receipt = json["receipt"] as? String
        if let receipt, receipt.count > 40 { return Self.error(400, description: "The receipt may not be greater than 40 characters.", field: "receipt") }

        let outcome: Result<(Refund, Payment, String?, Bool), FakeHTTPResponse> = lock.withLock {
            if let key, let earlier = refundIdempotency[key] {
                guard earlier.bodyHash == bodyHash else {
                    return .failure(Self.error(400, description: "The request body does not match the original request for this idempotency key.", field: nil))
                }
                let refund = refundsByID[earlier.refundID]!
                let (linkID, index) = paymentIndex(refund.paymentID)!
                return .success((refund, links[linkID]!.payments[index], links[linkID]!.orderID, false))
            }
            guard let (linkID, index) = paymentIndex(paymentID), var link = links[linkID] else {
                return .failure(Self.error(400, description: "The id provided does not exist", field: "id"))
            }
            let payment = link.payments[index]
            let refundable = payment.amount - payment.amountRefunded
            guard refundable > 0 else {
                return .failure(Self.error(400, description: "The payment has been fully refunded already", field: nil))
            }
            let refunding = amount ?? refundable
            guard refunding <= refundable else {
                return .failure(Self.error(400, description: "The refund amount provided is greater than amount captured", field: "amount"))
            }
            link.payments[index].amountRefunded += refunding
            links[linkID] = link
            let refund = Refund(id: "rfnd_" + FakeWhatsAppServer.randomToken(14), paymentID: paymentID, amount: refunding, status: "pending",
                                speedRequested: speed, notes: notes.compactMapValues { "\($0)" }, receipt: receipt,
                                createdAt: Int64(Date().timeIntervalSince1970))
            refundsByID[refund.id] = refund
            refundOrder.append(refund.id)
            if let key { refundIdempotency[key] = (bodyHash, refund.id) }
            return .success((refund, link.payments[index], link.orderID, true))
        }
        switch outcome {
        case .failure(let response): return response
        case .success(let (refund, payment, orderID, isNew)):
            if isNew { autoDeliver([refundEvent("refund.created", refund, payment: payment, orderID: orderID)]) }
            return .json(200, Self.json(refund))
        }
    }

    /// The bank settles the refund: `refund.processed`, or `refund.failed` (the money is refundable again).
    public func processRefund(id: String, fail: Bool = false) throws -> RazorpayWebhookDelivery {
        let result: Result<(Refund, Payment, String?), FakeRazorpayFailure> = lock.withLock {
            guard var refund = refundsByID[id] else { return .failure(.init(description: "no refund \(id)")) }
            guard refund.status == "pending" else { return .failure(.init(description: "refund \(id) is already \(refund.status)")) }
            guard let (linkID, index) = paymentIndex(refund.paymentID), var link = links[linkID] else {
                return .failure(.init(description: "no payment \(refund.paymentID)"))
            }
            refund.status = fail ? "failed" : "processed"
            if fail { link.payments[index].amountRefunded -= refund.amount }
            refundsByID[id] = refund
            links[linkID] = link
            return .success((refund, link.payments[index], link.orderID))
        }
        let (refund, payment, orderID) = try result.get()
        let delivery = refundEvent(fail ? "refund.failed" : "refund.processed", refund, payment: payment, orderID: orderID)
        autoDeliver([delivery])
        return delivery
    }

    /// The signed webhook about a refund (with its payment, as Razorpay sends both).
    func refundEvent(_ name: String, _ refund: Refund, payment: Payment, orderID: String?) -> RazorpayWebhookDelivery {
        event(name, contains: ["refund", "payment"], payload: [
            "refund": ["entity": Self.json(refund)], "payment": ["entity": paymentJSON(payment, orderID: orderID, failed: false)],
        ])
    }

    /// The last `refund.created` event made for `refundID`.
    public func createdEvent(refundID: String) -> RazorpayWebhookDelivery? {
        events.last { $0.event == "refund.created" && String(decoding: $0.body, as: UTF8.self).contains(refundID) }
    }

    func paymentIndex(_ paymentID: String) -> (String, Int)? {
        for linkID in linkOrder {
            if let index = links[linkID]?.payments.firstIndex(where: { $0.id == paymentID }) { return (linkID, index) }
        }
        return nil
    }

    static func json(_ refund: Refund) -> [String: Any] {
        [
            "id": refund.id, "entity": "refund", "amount": refund.amount, "currency": "INR", "payment_id": refund.paymentID,
            "notes": refund.notes.isEmpty ? [String]() as Any : refund.notes as Any, "receipt": refund.receipt ?? NSNull(),
            "acquirer_data": ["arn": refund.status == "processed" ? ("ARN" + String(refund.createdAt)) as Any : NSNull() as Any],
            "created_at": refund.createdAt, "batch_id": NSNull(), "status": refund.status,
            "speed_processed": refund.status == "processed" ? "normal" : NSNull(), "speed_requested": refund.speedRequested,
        ]
    }
}

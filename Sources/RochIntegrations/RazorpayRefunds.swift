import Foundation

/// What we ask Razorpay to refund (`POST /v1/payments/{id}/refund`); `amount` nil refunds what remains.
public struct RefundRequest: Codable, Sendable, Equatable {
    /// Paise.
    public var amount: Int64?
    /// `normal` or `optimum` (instant when the bank allows it).
    public var speed: String
    public var notes: [String: String]
    /// Our reference, shown in Razorpay's dashboard.
    public var receipt: String?

    public init(amount: Int64?, speed: String = "normal", notes: [String: String] = [:], receipt: String? = nil) {
        self.amount = amount
        self.speed = speed
        self.notes = notes
        self.receipt = receipt
    }
}

extension RazorpayClient {
    /// Starts a refund of a captured payment. `idempotencyKey` (`X-Refund-Idempotency`, at least 10 of
    /// letters, digits, `-`, `_`) makes a retry after a lost answer return the same refund instead of a
    /// second one; the retry must send the same body. Razorpay answers the refund, usually `pending`;
    /// `refund.processed` or `refund.failed` follows by webhook.
    public func refund(paymentID: String, _ request: RefundRequest, idempotencyKey: String) async throws(RazorpayError) -> RazorpayEvent.RefundEntity {
        let body: [UInt8]
        do { body = try ProviderJSON.encode(request) } catch {
            throw RazorpayError(kind: .malformedResponse, message: "could not encode the request: \(error)")
        }
        return try await call("POST", "/v1/payments/\(Self.pathComponent(paymentID))/refund", body: body,
                              extraHeaders: [("X-Refund-Idempotency", idempotencyKey)])
    }
}

/// A Razorpay webhook body (`entity: event`). Decode only after `WebhookSignature.verifyRazorpay`
/// accepted the raw bytes; deduplicate on the `X-Razorpay-Event-Id` header.
public struct RazorpayEvent: Codable, Sendable, Equatable {
    public var entity: String
    /// Present in every live webhook; optional so older samples (the SDKs' fixtures) still decode.
    public var accountID: String?
    /// `payment_link.paid`, `payment.captured`, `refund.processed`, ...
    public var event: String
    /// Which of the payload's entities are present.
    public var contains: [String]
    public var payload: Payload
    public var createdAt: Int64

    enum CodingKeys: String, CodingKey {
        case entity, accountID = "account_id", event, contains, payload, createdAt = "created_at"
    }

    public init(accountID: String?, event: String, contains: [String], payload: Payload, createdAt: Int64) {
        self.entity = "event"
        self.accountID = accountID
        self.event = event
        self.contains = contains
        self.payload = payload
        self.createdAt = createdAt
    }

    public struct Payload: Codable, Sendable, Equatable {
        public var paymentLink: Wrapped<PaymentLink>?
        public var payment: Wrapped<PaymentEntity>?
        public var order: Wrapped<OrderEntity>?
        public var refund: Wrapped<RefundEntity>?

        enum CodingKeys: String, CodingKey { case paymentLink = "payment_link", payment, order, refund }

        public init(paymentLink: PaymentLink? = nil, payment: PaymentEntity? = nil, order: OrderEntity? = nil, refund: RefundEntity? = nil) {
            self.paymentLink = paymentLink.map(Wrapped.init)
            self.payment = payment.map(Wrapped.init)
            self.order = order.map(Wrapped.init)
            self.refund = refund.map(Wrapped.init)
        }
    }

    /// Razorpay nests each entity as `{"entity": {...}}`.
    public struct Wrapped<Entity: Codable & Sendable & Equatable>: Codable, Sendable, Equatable {
        public var entity: Entity
        public init(_ entity: Entity) { self.entity = entity }
    }

    public struct PaymentEntity: Codable, Sendable, Equatable {
        public var id: String
        public var entity: String
        public var amount: Int64
        public var currency: String
        /// `created`, `authorized`, `captured`, `refunded`, `failed`.
        public var status: String
        public var orderID: String?
        public var method: String?
        public var captured: Bool?
        public var errorCode: String?
        public var errorDescription: String?
        public var createdAt: Int64

        enum CodingKeys: String, CodingKey {
            case id, entity, amount, currency, status, orderID = "order_id", method, captured
            case errorCode = "error_code", errorDescription = "error_description", createdAt = "created_at"
        }

        public init(id: String, amount: Int64, currency: String = "INR", status: String, orderID: String?, method: String? = "upi",
                    captured: Bool?, errorCode: String? = nil, errorDescription: String? = nil, createdAt: Int64) {
            self.id = id
            self.entity = "payment"
            self.amount = amount
            self.currency = currency
            self.status = status
            self.orderID = orderID
            self.method = method
            self.captured = captured
            self.errorCode = errorCode
            self.errorDescription = errorDescription
            self.createdAt = createdAt
        }
    }

    public struct OrderEntity: Codable, Sendable, Equatable {
        public var id: String
        public var entity: String
        public var amount: Int64
        public var amountPaid: Int64
        public var amountDue: Int64
        public var currency: String
        public var receipt: String?
        /// `created`, `attempted`, `paid`.
        public var status: String
        public var createdAt: Int64

        enum CodingKeys: String, CodingKey {
            case id, entity, amount, amountPaid = "amount_paid", amountDue = "amount_due", currency, receipt, status, createdAt = "created_at"
        }

        public init(id: String, amount: Int64, amountPaid: Int64, currency: String = "INR", receipt: String?, status: String, createdAt: Int64) {
            self.id = id
            self.entity = "order"
            self.amount = amount
            self.amountPaid = amountPaid
            self.amountDue = amount - amountPaid
            self.currency = currency
            self.receipt = receipt
            self.status = status
            self.createdAt = createdAt
        }
    }

    public struct RefundEntity: Codable, Sendable, Equatable {
        public var id: String
        public var entity: String
        public var amount: Int64
        public var currency: String
        public var paymentID: String
        /// `pending`, `processed`, `failed`.
        public var status: String
        public var createdAt: Int64

        enum CodingKeys: String, CodingKey {
            case id, entity, amount, currency, paymentID = "payment_id", status, createdAt = "created_at"
        }

        public init(id: String, amount: Int64, currency: String = "INR", paymentID: String, status: String, createdAt: Int64) {
            self.id = id
            self.entity = "refund"
            self.amount = amount
            self.currency = currency
            self.paymentID = paymentID
            self.status = status
            self.createdAt = createdAt
        }
    }

    /// Decodes a webhook body (after its signature was verified).
    public static func decode(_ body: [UInt8]) throws -> RazorpayEvent { try ProviderJSON.decode(Self.self, from: body) }

    /// Encodes as Razorpay would send it (the fakes sign exactly these bytes).
    public func encoded() throws -> [UInt8] { try ProviderJSON.encode(self) }
}

/// What we ask Razorpay for: one Payment Link per payment milestone.
public struct PaymentLinkRequest: Codable, Sendable, Equatable {
    public struct Customer: Codable, Sendable, Equatable {
        public var name: String?
        public var email: String?
        public var contact: String?
        public init(name: String? = nil, email: String? = nil, contact: String? = nil) {
            self.name = name
            self.email = email
            self.contact = contact
        }
    }
    public struct Notify: Codable, Sendable, Equatable {
        public var sms: Bool
        public var email: Bool
        public init(sms: Bool = false, email: Bool = false) { self.sms = sms; self.email = email }
    }

    /// Paise.
    public var amount: Int64
    public var currency: String
    public var acceptPartial: Bool
    /// Paise; only sent with `acceptPartial`.
    public var firstMinPartialAmount: Int64?
    /// Unix seconds; at least 15 minutes ahead.
    public var expireBy: Int64?
    /// Unique per account, at most 40 characters: the milestone's public id.
    public var referenceID: String
    public var description: String?
    public var customer: Customer?
    public var notify: Notify
    public var reminderEnable: Bool
    public var notes: [String: String]?
    public var callbackURL: String?
    public var callbackMethod: String?

    enum CodingKeys: String, CodingKey {
        case amount, currency, acceptPartial = "accept_partial", firstMinPartialAmount = "first_min_partial_amount"
        case expireBy = "expire_by", referenceID = "reference_id", description, customer, notify
        case reminderEnable = "reminder_enable", notes, callbackURL = "callback_url", callbackMethod = "callback_method"
    }

    public init(amount: Int64, referenceID: String, description: String? = nil, customer: Customer? = nil,
                expireBy: Int64? = nil, acceptPartial: Bool = false, firstMinPartialAmount: Int64? = nil,
                notes: [String: String]? = nil, callbackURL: String? = nil, currency: String = "INR") {
        self.amount = amount
        self.currency = currency
        self.acceptPartial = acceptPartial
        self.firstMinPartialAmount = acceptPartial ? firstMinPartialAmount : nil
        self.expireBy = expireBy
        self.referenceID = referenceID
        self.description = description
        self.customer = customer
        self.notify = Notify(sms: false, email: false)
        self.reminderEnable = false
        self.notes = notes
        self.callbackURL = callbackURL
        self.callbackMethod = callbackURL == nil ? nil : "get"
    }
}

/// A Razorpay Payment Link as the API returns it (only the fields we rely on).
public struct PaymentLink: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable {
        case created, partiallyPaid = "partially_paid", expired, cancelled, paid
    }

    /// A captured payment against the link.
    public struct Payment: Codable, Sendable, Equatable {
        public var paymentID: String
        public var amount: Int64
        public var status: String?
        public var method: String?
        public var createdAt: Int64?

        enum CodingKeys: String, CodingKey {
            case paymentID = "payment_id", amount, status, method, createdAt = "created_at"
        }

        public init(paymentID: String, amount: Int64, status: String? = "captured", method: String? = "upi", createdAt: Int64? = nil) {
            self.paymentID = paymentID
            self.amount = amount
            self.status = status
            self.method = method
            self.createdAt = createdAt
        }
    }

    public var id: String
    public var shortURL: String
    public var status: Status
    public var amount: Int64
    public var amountPaid: Int64
    public var currency: String
    public var referenceID: String?
    public var createdAt: Int64
    /// 0 when the link has no expiry.
    public var expireBy: Int64
    public var expiredAt: Int64
    public var cancelledAt: Int64
    public var description: String?
    /// Captured payments only; nil until there are any.
    public var payments: [Payment]?
    /// The order the link's checkout pays into, once there is one (every attempt carries it).
    public var orderID: String?

    enum CodingKeys: String, CodingKey {
        case id, shortURL = "short_url", status, amount, amountPaid = "amount_paid", currency
        case referenceID = "reference_id", createdAt = "created_at", expireBy = "expire_by"
        case expiredAt = "expired_at", cancelledAt = "cancelled_at", description, payments, orderID = "order_id"
    }

    public init(id: String, shortURL: String, status: Status, amount: Int64, amountPaid: Int64 = 0, currency: String = "INR",
                referenceID: String?, createdAt: Int64, expireBy: Int64 = 0, expiredAt: Int64 = 0, cancelledAt: Int64 = 0,
                description: String? = nil, payments: [Payment]? = nil) {
        self.id = id
        self.shortURL = shortURL
        self.status = status
        self.amount = amount
        self.amountPaid = amountPaid
        self.currency = currency
        self.referenceID = referenceID
        self.createdAt = createdAt
        self.expireBy = expireBy
        self.expiredAt = expiredAt
        self.cancelledAt = cancelledAt
        self.description = description
        self.payments = payments
    }

    // Razorpay sends 0 or null for unset times and `[]` or null for no payments.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        shortURL = try c.decodeIfPresent(String.self, forKey: .shortURL) ?? ""
        status = try c.decode(Status.self, forKey: .status)
        amount = try c.decode(Int64.self, forKey: .amount)
        amountPaid = try c.decodeIfPresent(Int64.self, forKey: .amountPaid) ?? 0
        currency = try c.decodeIfPresent(String.self, forKey: .currency) ?? "INR"
        referenceID = try c.decodeIfPresent(String.self, forKey: .referenceID)
        createdAt = try c.decodeIfPresent(Int64.self, forKey: .createdAt) ?? 0
        expireBy = try c.decodeIfPresent(Int64.self, forKey: .expireBy) ?? 0
        expiredAt = try c.decodeIfPresent(Int64.self, forKey: .expiredAt) ?? 0
        cancelledAt = try c.decodeIfPresent(Int64.self, forKey: .cancelledAt) ?? 0
        description = try c.decodeIfPresent(String.self, forKey: .description)
        payments = try c.decodeIfPresent([Payment].self, forKey: .payments)
        orderID = try c.decodeIfPresent(String.self, forKey: .orderID).flatMap { $0.isEmpty ? nil : $0 }
    }
}

/// `GET /v1/payment_links` answers `{"payment_links":[...]}`.
struct PaymentLinkCollection: Codable, Sendable {
    var paymentLinks: [PaymentLink]
    enum CodingKeys: String, CodingKey { case paymentLinks = "payment_links" }
}

/// Razorpay's error body `{"error":{...}}`.
public struct RazorpayErrorEnvelope: Codable, Sendable {
    public struct Body: Codable, Sendable, Equatable {
        public var code: String
        public var description: String
        public var field: String?
        public var source: String?
        public var step: String?
        public var reason: String?
        public var metadata: [String: String]?

        public init(code: String = "BAD_REQUEST_ERROR", description: String, field: String? = nil, source: String? = "business",
                    step: String? = "payment_initiation", reason: String? = "input_validation_failed", metadata: [String: String]? = [:]) {
            self.code = code
            self.description = description
            self.field = field
            self.source = source
            self.step = step
            self.reason = reason
            self.metadata = metadata
        }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            code = try c.decodeIfPresent(String.self, forKey: .code) ?? "UNKNOWN"
            description = try c.decodeIfPresent(String.self, forKey: .description) ?? ""
            field = try c.decodeIfPresent(String.self, forKey: .field)
            source = try c.decodeIfPresent(String.self, forKey: .source)
            step = try c.decodeIfPresent(String.self, forKey: .step)
            reason = try c.decodeIfPresent(String.self, forKey: .reason)
            metadata = try? c.decodeIfPresent([String: String].self, forKey: .metadata)
        }
    }
    public var error: Body
    public init(error: Body) { self.error = error }
}

/// A failed Razorpay call.
public struct RazorpayError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case network(HTTPClientError.Kind)
        /// Razorpay answered with an error body.
        case api
        /// An HTTP error without Razorpay's error body.
        case http
        case malformedResponse
    }

    public var kind: Kind
    public var httpStatus: Int?
    /// `error.code`, e.g. BAD_REQUEST_ERROR, GATEWAY_ERROR, SERVER_ERROR.
    public var code: String?
    public var message: String
    /// `error.field`: which request field was wrong.
    public var field: String?
    public var source: String?
    public var step: String?
    public var reason: String?

    public init(kind: Kind, httpStatus: Int? = nil, code: String? = nil, message: String, field: String? = nil,
                source: String? = nil, step: String? = nil, reason: String? = nil) {
        self.kind = kind
        self.httpStatus = httpStatus
        self.code = code
        self.message = message
        self.field = field
        self.source = source
        self.step = step
        self.reason = reason
    }

    /// Network failures and 5xx are retried; 4xx are the caller's to fix.
    public var isRetryable: Bool {
        switch kind {
        case .network: return true
        case .api, .http: return (httpStatus ?? 0) >= 500
        case .malformedResponse: return false
        }
    }

    /// A bad key id or secret.
    public var isAuthenticationFailure: Bool { httpStatus == 401 }

    /// Razorpay refused a second link for the same reference_id.
    public var isReferenceIDAlreadyUsed: Bool {
        httpStatus == 400 && message.lowercased().contains("reference id already attempted")
    }

    public var description: String {
        var text = "Razorpay request failed"
        if let httpStatus { text += " (HTTP \(httpStatus)" + (code.map { ", \($0)" } ?? "") + ")" }
        text += ": " + message
        if let field { text += " [field: \(field)]" }
        return text
    }
}

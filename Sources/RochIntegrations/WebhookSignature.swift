import Crypto

/// HMAC-SHA256 signatures of Razorpay and WhatsApp webhooks and of Razorpay's payment-link redirect.
/// Always computed over the raw bytes as received; compared in constant time.
public enum WebhookSignature {
    /// `X-Razorpay-Signature`: hex HMAC-SHA256 of the raw body keyed with the webhook secret.
    public static func verifyRazorpay(body: [UInt8], signatureHex: String?, secret: String) -> Bool {
        guard let signatureHex, !secret.isEmpty, let given = Hex.decode(signatureHex) else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(given, authenticating: body, using: key(secret))
    }

    /// The hex signature Razorpay would send for this body.
    public static func signRazorpay(body: [UInt8], secret: String) -> String {
        Hex.encode(HMAC<SHA256>.authenticationCode(for: body, using: key(secret)))
    }

    /// The `razorpay_signature` of a payment-link callback redirect: HMAC over
    /// `plink_id|reference_id|status|payment_id` keyed with the API key secret.
    public static func verifyRazorpayPaymentLinkCallback(paymentLinkID: String, referenceID: String, status: String,
                                                         paymentID: String, signature: String?, keySecret: String) -> Bool {
        guard let signature, !keySecret.isEmpty, let given = Hex.decode(signature) else { return false }
        let message = callbackMessage(paymentLinkID, referenceID, status, paymentID)
        return HMAC<SHA256>.isValidAuthenticationCode(given, authenticating: message, using: key(keySecret))
    }

    public static func signRazorpayPaymentLinkCallback(paymentLinkID: String, referenceID: String, status: String,
                                                       paymentID: String, keySecret: String) -> String {
        let message = callbackMessage(paymentLinkID, referenceID, status, paymentID)
        return Hex.encode(HMAC<SHA256>.authenticationCode(for: message, using: key(keySecret)))
    }

    /// `X-Hub-Signature-256: sha256=<hex>`: HMAC-SHA256 of the raw body keyed with the app secret.
    public static func verifyWhatsApp(body: [UInt8], header: String?, appSecret: String) -> Bool {
        guard let header, !appSecret.isEmpty, header.hasPrefix("sha256="),
              let given = Hex.decode(String(header.dropFirst("sha256=".count))) else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(given, authenticating: body, using: key(appSecret))
    }

    /// The full `X-Hub-Signature-256` header value for this body.
    public static func signWhatsApp(body: [UInt8], appSecret: String) -> String {
        "sha256=" + Hex.encode(HMAC<SHA256>.authenticationCode(for: body, using: key(appSecret)))
    }

    private static func key(_ secret: String) -> SymmetricKey { SymmetricKey(data: Array(secret.utf8)) }

    private static func callbackMessage(_ parts: String...) -> [UInt8] { Array(parts.joined(separator: "|").utf8) }
}

import Foundation
import RochIntegrations

extension FuzzChecks {
    /// FuzzWebhook: arbitrary bytes into the webhook signature verifiers and envelope decoders. Verifiers
    /// never accept a signature they did not make; our own signatures verify and break on a one-bit
    /// change; whatever decodes survives a round trip unchanged. Accepted: a Razorpay or WhatsApp
    /// envelope decoded.
    @Sendable public static func webhook(_ bytes: [UInt8]) throws -> Bool {
        let secret = "fuzz-webhook-secret"
        let guess = String(decoding: bytes.prefix(96), as: UTF8.self)

        let razorpayAccepted = WebhookSignature.verifyRazorpay(body: bytes, signatureHex: guess, secret: secret)
        try require(!razorpayAccepted || guess.lowercased() == WebhookSignature.signRazorpay(body: bytes, secret: secret),
                    "Razorpay verifier accepted a signature it did not make")
        _ = WebhookSignature.verifyWhatsApp(body: bytes, header: guess, appSecret: secret)
        _ = WebhookSignature.verifyWhatsApp(body: bytes, header: "sha256=" + guess, appSecret: secret)
        let fields = guess.split(separator: "|", omittingEmptySubsequences: false).map(String.init) + ["", "", "", "", ""]
        _ = WebhookSignature.verifyRazorpayPaymentLinkCallback(paymentLinkID: fields[0], referenceID: fields[1], status: fields[2],
                                                               paymentID: fields[3], signature: fields[4], keySecret: secret)

        let signature = WebhookSignature.signRazorpay(body: bytes, secret: secret)
        try require(WebhookSignature.verifyRazorpay(body: bytes, signatureHex: signature, secret: secret), "own Razorpay signature rejected")
        let header = WebhookSignature.signWhatsApp(body: bytes, appSecret: secret)
        try require(WebhookSignature.verifyWhatsApp(body: bytes, header: header, appSecret: secret), "own WhatsApp signature rejected")
        if !bytes.isEmpty {
            var flipped = bytes
            flipped[bytes.count / 2] ^= 0x01
            try require(!WebhookSignature.verifyRazorpay(body: flipped, signatureHex: signature, secret: secret), "Razorpay signature survives a flipped bit")
            try require(!WebhookSignature.verifyWhatsApp(body: flipped, header: header, appSecret: secret), "WhatsApp signature survives a flipped bit")
        }

        var decoded = false
        if let event = try? RazorpayEvent.decode(bytes) {
            decoded = true
            let again = try? RazorpayEvent.decode(try event.encoded())
            try require(again == event, "RazorpayEvent round trip changed the value")
        }
        if let webhook = try? WhatsAppWebhook.decode(bytes) {
            decoded = true
            if let encoded = try? JSONEncoder().encode(webhook) {
                try require((try? WhatsAppWebhook.decode(Array(encoded))) == webhook, "WhatsAppWebhook round trip changed the value")
            }
        }
        return decoded
    }
}

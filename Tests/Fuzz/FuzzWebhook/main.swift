// libFuzzer target: arbitrary bytes into the webhook signature verifiers and the webhook
// envelope decoders. Built only with ROCH_FUZZ=1 (`make fuzz`).
import Foundation
import FuzzDriver
import RochIntegrations

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let secret = "fuzz-webhook-secret"
    let guess = String(decoding: bytes.prefix(96), as: UTF8.self)

    // Verifiers never crash and never accept a signature they did not make.
    let razorpayAccepted = WebhookSignature.verifyRazorpay(body: bytes, signatureHex: guess, secret: secret)
    precondition(!razorpayAccepted || guess.lowercased() == WebhookSignature.signRazorpay(body: bytes, secret: secret))
    _ = WebhookSignature.verifyWhatsApp(body: bytes, header: guess, appSecret: secret)
    _ = WebhookSignature.verifyWhatsApp(body: bytes, header: "sha256=" + guess, appSecret: secret)
    let fields = guess.split(separator: "|", omittingEmptySubsequences: false).map(String.init) + ["", "", "", "", ""]
    _ = WebhookSignature.verifyRazorpayPaymentLinkCallback(paymentLinkID: fields[0], referenceID: fields[1], status: fields[2],
                                                           paymentID: fields[3], signature: fields[4], keySecret: secret)

    // Our own signatures verify, and any one-bit change of the body breaks them.
    let signature = WebhookSignature.signRazorpay(body: bytes, secret: secret)
    precondition(WebhookSignature.verifyRazorpay(body: bytes, signatureHex: signature, secret: secret))
    let header = WebhookSignature.signWhatsApp(body: bytes, appSecret: secret)
    precondition(WebhookSignature.verifyWhatsApp(body: bytes, header: header, appSecret: secret))
    if !bytes.isEmpty {
        var flipped = bytes
        flipped[bytes.count / 2] ^= 0x01
        precondition(!WebhookSignature.verifyRazorpay(body: flipped, signatureHex: signature, secret: secret))
        precondition(!WebhookSignature.verifyWhatsApp(body: flipped, header: header, appSecret: secret))
    }

    // Decoding never crashes; whatever decodes survives a round trip unchanged.
    if let event = try? RazorpayEvent.decode(bytes) {
        let again = try? RazorpayEvent.decode(try event.encoded())
        precondition(again == event, "RazorpayEvent round trip changed the value")
    }
    if let webhook = try? WhatsAppWebhook.decode(bytes), let encoded = try? JSONEncoder().encode(webhook) {
        precondition((try? WhatsAppWebhook.decode(Array(encoded))) == webhook, "WhatsAppWebhook round trip changed the value")
    }
    return 0
}

// SwiftPM's entry point for this executable (see FuzzDriver).
@_cdecl("FuzzWebhook_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzz)
}

import Testing
import RochIntegrations

@Suite struct WebhookSignatureTests {
    // Vector from razorpay/razorpay-node, test/utils/razorpay-utils.spec.js ("validateWebhookSignature").
    @Test func razorpayNodeSDKVectorVerifies() {
        let body = Array(#"{"a":1,"b":2,"c":{"d":3}}"#.utf8)
        let signature = "2fe04e22977002e6c7cb553adab8b460cb9e2a4970d5953cb27a8472752e3bbc"
        #expect(WebhookSignature.verifyRazorpay(body: body, signatureHex: signature, secret: "123456"))
        #expect(!WebhookSignature.verifyRazorpay(body: body, signatureHex: "sdfafds", secret: "123456"))
        #expect(WebhookSignature.signRazorpay(body: body, secret: "123456") == signature)
    }

    // Vector from razorpay/razorpay-python, tests/test_client_utility.py (test_verify_webhook_signature):
    // body = tests/mocks/fake_payment_authorized_webhook.json as read from disk (trailing newline included),
    // secret = "key_secret" (tests/helpers.py).
    @Test func razorpayPythonSDKVectorVerifiesOnTheRawBytesIncludingTheTrailingNewline() {
        let body = Array(razorpayPythonWebhookBody.utf8)
        let signature = "d60e67fd884556c045e9be7dad57903e33efc7172c17c6e3ef77db42d2b366e9"
        #expect(WebhookSignature.verifyRazorpay(body: body, signatureHex: signature, secret: "key_secret"))
        // One byte less (the newline) is a different body: re-serialising would break verification.
        #expect(!WebhookSignature.verifyRazorpay(body: Array(body.dropLast()), signatureHex: signature, secret: "key_secret"))
        #expect(!WebhookSignature.verifyRazorpay(body: body, signatureHex: signature, secret: "other_secret"))
    }

    @Test func razorpaySignatureIsRejectedWhenMissingMalformedOrForAnEmptySecret() {
        let body = Array("{}".utf8)
        let good = WebhookSignature.signRazorpay(body: body, secret: "s")
        #expect(WebhookSignature.verifyRazorpay(body: body, signatureHex: good, secret: "s"))
        #expect(WebhookSignature.verifyRazorpay(body: body, signatureHex: good.uppercased(), secret: "s"))
        #expect(!WebhookSignature.verifyRazorpay(body: body, signatureHex: nil, secret: "s"))
        #expect(!WebhookSignature.verifyRazorpay(body: body, signatureHex: "", secret: "s"))
        #expect(!WebhookSignature.verifyRazorpay(body: body, signatureHex: String(good.dropLast(2)), secret: "s"))
        #expect(!WebhookSignature.verifyRazorpay(body: body, signatureHex: good + "00", secret: "s"))
        #expect(!WebhookSignature.verifyRazorpay(body: body, signatureHex: "zz" + good.dropFirst(2), secret: "s"))
        #expect(!WebhookSignature.verifyRazorpay(body: body, signatureHex: WebhookSignature.signRazorpay(body: body, secret: ""), secret: ""))
    }

    // Hand-computed: python3 -c 'import hmac,hashlib; print(hmac.new(b"rzp_key_secret_42",
    //   b"plink_ExjpAUN3gVHrPJ|TS1987|paid|pay_FHfqtkRzWvxod0", hashlib.sha256).hexdigest())'
    @Test func paymentLinkCallbackSignatureCoversLinkReferenceStatusAndPaymentWithTheKeySecret() {
        let expected = "08890cf3ca7b143b13040a24bd94f084e7c18c881c2a3fe5a6fdc93dc17ab91e"
        #expect(WebhookSignature.signRazorpayPaymentLinkCallback(paymentLinkID: "plink_ExjpAUN3gVHrPJ", referenceID: "TS1987", status: "paid",
                                                                 paymentID: "pay_FHfqtkRzWvxod0", keySecret: "rzp_key_secret_42") == expected)
        #expect(WebhookSignature.verifyRazorpayPaymentLinkCallback(paymentLinkID: "plink_ExjpAUN3gVHrPJ", referenceID: "TS1987", status: "paid",
                                                                   paymentID: "pay_FHfqtkRzWvxod0", signature: expected, keySecret: "rzp_key_secret_42"))
        // A tampered status ("paid" claimed for a partial payment) fails.
        #expect(!WebhookSignature.verifyRazorpayPaymentLinkCallback(paymentLinkID: "plink_ExjpAUN3gVHrPJ", referenceID: "TS1987", status: "partially_paid",
                                                                    paymentID: "pay_FHfqtkRzWvxod0", signature: expected, keySecret: "rzp_key_secret_42"))
        #expect(!WebhookSignature.verifyRazorpayPaymentLinkCallback(paymentLinkID: "plink_ExjpAUN3gVHrPJ", referenceID: "TS1987", status: "paid",
                                                                    paymentID: "pay_FHfqtkRzWvxod0", signature: nil, keySecret: "rzp_key_secret_42"))
    }

    // Hand-computed: hmac.new(b"meta_app_secret", b'{"object":"whatsapp_business_account","entry":[]}', hashlib.sha256).hexdigest()
    @Test func whatsAppSignatureHeaderIsSha256PrefixedHex() {
        let body = Array(#"{"object":"whatsapp_business_account","entry":[]}"#.utf8)
        let header = "sha256=e6ad1226d7dbb376b93779e72f6ea6cc56d514dbcb4b3fa023b679f8f0220325"
        #expect(WebhookSignature.verifyWhatsApp(body: body, header: header, appSecret: "meta_app_secret"))
        #expect(WebhookSignature.signWhatsApp(body: body, appSecret: "meta_app_secret") == header)
        #expect(!WebhookSignature.verifyWhatsApp(body: body, header: String(header.dropFirst(7)), appSecret: "meta_app_secret"))
        #expect(!WebhookSignature.verifyWhatsApp(body: body, header: "sha1=" + header.dropFirst(7), appSecret: "meta_app_secret"))
        #expect(!WebhookSignature.verifyWhatsApp(body: body, header: nil, appSecret: "meta_app_secret"))
        #expect(!WebhookSignature.verifyWhatsApp(body: body + [0x20], header: header, appSecret: "meta_app_secret"))
    }
}

/// razorpay-python tests/mocks/fake_payment_authorized_webhook.json, byte for byte.
let razorpayPythonWebhookBody = """
{
  "event": "payment.authorized",
  "entity": "event",
  "contains": [
    "payment"
  ],
  "payload": {
    "payment": {
      "entity": {
        "id": "pay_6koWN7bvxujzxM",
        "entity": "payment",
        "amount": 1000000,
        "currency": "INR",
        "status": "captured",
        "order_id": "order_100000000order",
        "international": false,
        "method": "card",
        "amount_refunded": 0,
        "refund_status": null,
        "captured": true,
        "description": "random description",
        "card_id": "card_6koWNAT6LASUqy",
        "bank": null,
        "wallet": null,
        "vpa": null,
        "email": "a@b.com",
        "contact": "+919999999999",
        "notes": {
          "merchant_order_id": "random order id"
        },
        "fee": 23000,
        "service_tax": 3000,
        "error_code": null,
        "error_description": null,
        "created_at": 1479978483
      }
    }
  },
  "created_at": 1400826760
}

"""

import Foundation
import RochIntegrations

/// `roch doctor --providers`: one read-only call per configured provider proves its credentials
/// (Razorpay: GET /v1/payments?count=1 with the key; WhatsApp: GET /{PHONE_NUMBER_ID} with the
/// token). Nothing is created, sent or changed.
public enum ProviderCheck {
    public struct Finding: Sendable, Equatable {
        public var ok: Bool
        public var line: String
    }

    public static func run(_ configuration: Configuration, http: HTTPClient = HTTPClient(connectTimeout: .seconds(5), totalTimeout: .seconds(15))) async -> [Finding] {
        [await razorpay(configuration.razorpay, http: http), await whatsApp(configuration.whatsApp, http: http)]
    }

    static func razorpay(_ settings: Configuration.Razorpay?, http: HTTPClient) async -> Finding {
        guard let settings else { return Finding(ok: true, line: "razorpay: not configured (online payments are off), nothing to check") }
        let client = RazorpayClient(configuration: .init(apiBase: settings.apiBase, keyID: settings.keyID, keySecret: settings.keySecret,
                                                         retry: .never), http: http)
        do throws(RazorpayError) {
            try await client.checkCredentials()
            return Finding(ok: true, line: "razorpay: key \(settings.keyID) accepted by \(settings.apiBase) (\(settings.keyID.hasPrefix("rzp_live_") ? "live" : "test") mode)")
        } catch {
            switch (error.kind, error.httpStatus) {
            case (.network, _):
                return Finding(ok: false, line: "razorpay: cannot reach \(settings.apiBase): \(error.message)")
            case (_, 401?):
                return Finding(ok: false, line: "razorpay: Razorpay refused key \(settings.keyID) (HTTP 401): check RAZORPAY_KEY_ID and RAZORPAY_KEY_SECRET (test and live keys differ)")
            default:
                return Finding(ok: false, line: "razorpay: unexpected answer from \(settings.apiBase): \(error)")
            }
        }
    }

    static func whatsApp(_ settings: Configuration.WhatsApp?, http: HTTPClient) async -> Finding {
        guard let settings else { return Finding(ok: true, line: "whatsapp: not configured (messages are skipped), nothing to check") }
        let client = WhatsAppManagementClient(apiBase: settings.apiBase, accessToken: settings.accessToken, http: http)
        do throws(WhatsAppManagementClient.Failure) {
            let number = try await client.phoneNumber(settings.phoneNumberID)
            let shown = [number.displayPhoneNumber, number.verifiedName.map { "(\($0))" }].compactMap { $0 }.joined(separator: " ")
            return Finding(ok: true, line: "whatsapp: token accepted for phone number id \(settings.phoneNumberID)\(shown.isEmpty ? "" : ": \(shown)")")
        } catch {
            if error.httpStatus == nil {
                return Finding(ok: false, line: "whatsapp: cannot reach \(settings.apiBase): \(error.message)")
            }
            if error.isBadToken {
                return Finding(ok: false, line: "whatsapp: Meta refused the access token (\(error.httpStatus.map { "HTTP \($0)" } ?? "")\(error.code.map { ", code \($0)" } ?? "")): check WHATSAPP_ACCESS_TOKEN (use a system user's permanent token; temporary ones expire in 24 h)")
            }
            if error.code == 100 {
                return Finding(ok: false, line: "whatsapp: Meta does not know phone number id \(settings.phoneNumberID) for this token: check WHATSAPP_PHONE_NUMBER_ID (\(error.message))")
            }
            return Finding(ok: false, line: "whatsapp: unexpected answer from \(settings.apiBase): \(error)")
        }
    }
}

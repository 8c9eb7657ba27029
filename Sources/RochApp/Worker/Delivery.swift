import Foundation
import RochCore
import RochIntegrations
import RochStore

/// An email ready for SMTP: plain text and HTML alternatives of the catalogue's rendering.
public struct OutgoingEmail: Sendable, Equatable {
    public var to: String
    public var toName: String?
    public var subject: String
    public var text: String
    public var html: String
    /// Stable per outbox row, so a resend after a crash can be recognised downstream.
    public var messageKey: String
}

/// Why an email was not accepted by the SMTP server.
public struct EmailSendError: Error, Sendable, CustomStringConvertible {
    /// True for 5xx answers (bad address, refused): sending again will not help.
    public var permanent: Bool
    public var message: String
    public var description: String { message }

    public init(permanent: Bool, message: String) {
        self.permanent = permanent
        self.message = message
    }
}

/// Sends one email; returns the id the message is known by (its Message-ID).
public protocol EmailTransport: Sendable {
    func send(_ email: OutgoingEmail) async throws(EmailSendError) -> String
}

/// The SMTP transport for a configuration.
public enum EmailTransports {
    /// The libcurl SMTP Mailer for `SMTP_URL` / `MAIL_FROM`; nil when email is not configured.
    public static func make(_ mail: Configuration.Mail?) -> (any EmailTransport)? {
        guard let mail else { return nil }
        let from = Mailer.parseMailbox(mail.from)
        return MailerTransport(mailer: Mailer(configuration: .init(smtpURL: mail.smtpURL, from: from?.address ?? mail.from,
                                                                   fromName: from?.name ?? "Roch Events", caFile: mail.caFile)))
    }
}

/// Email through RochIntegrations' Mailer: multipart text + HTML; 5xx refusals and bad addresses
/// are final, network trouble, missing TLS and 4xx answers are retried.
public struct MailerTransport: EmailTransport {
    public let mailer: Mailer

    public init(mailer: Mailer) { self.mailer = mailer }

    public func send(_ email: OutgoingEmail) async throws(EmailSendError) -> String {
        do throws(MailError) {
            return try await mailer.send(EmailMessage(to: email.to, toName: email.toName, subject: email.subject, text: email.text,
                                                      html: email.html, messageID: mailer.messageID(forKey: email.messageKey)))
        } catch {
            switch error.kind {
            // No TLS (STARTTLS not offered, a failed handshake) may be a passing downgrade or a
            // fixable setting: retried, and the reason says which.
            case .network, .tlsUnavailable: throw EmailSendError(permanent: false, message: error.description)
            case .rejected: throw EmailSendError(permanent: (error.smtpCode ?? 500) >= 500, message: error.description)
            case .headerInjection, .invalidAddress, .invalidConfiguration: throw EmailSendError(permanent: true, message: error.description)
            }
        }
    }
}

/// What happened when the worker tried one outbox row.
enum DeliveryOutcome: Equatable {
    case sent(providerMessageID: String)
    /// Temporary: try again, not before `minimumDelay` (Meta's pair-rate backoff) when given.
    case retry(reason: String, minimumDelay: TimeInterval?)
    /// Permanent: the team is alerted once per `cause` and booking.
    case failed(reason: String, cause: String)
    case skipped(reason: String)
    /// Kept with status `held` until Meta approves the template (a status webhook or a sync releases it).
    case held(template: String, language: String, reason: String)
}

/// Renders an outbox row with the catalogue and hands it to WhatsApp or SMTP, classifying errors.
struct Delivery: Sendable {
    let whatsApp: WhatsAppClient?
    let email: (any EmailTransport)?
    let rateLimit: TokenBucket?
    let options: WorkerOptions

    /// True when this worker has a provider for the channel (otherwise the row is skipped).
    func canSend(_ channel: String) -> Bool {
        channel == "whatsapp" ? whatsApp != nil : channel == "email" ? email != nil : false
    }

    /// `.held` when `n` is a WhatsApp message whose template Meta has not approved (see WhatsAppTemplateApprovals:
    /// while no status is recorded at all, nothing is held); nil to go ahead.
    func hold(_ n: ClaimedNotification, approvals: WhatsAppTemplateApprovals) -> DeliveryOutcome? {
        guard n.channel == "whatsapp", let moment = NotificationMoment(rawValue: n.moment), let role = RecipientRole(rawValue: n.recipientRole),
              let template = NotificationCatalogue.template(for: moment, recipient: role)?.whatsApp else { return nil }
        guard case .hold(let reason) = approvals.decision(template: template.name, language: template.languageCode) else { return nil }
        return .held(template: template.name, language: template.languageCode, reason: reason)
    }

    func deliver(_ n: ClaimedNotification) async -> DeliveryOutcome {
        switch n.channel {
        case "whatsapp" where whatsApp == nil: return .skipped(reason: "skipped: WhatsApp not configured")
        case "email" where email == nil: return .skipped(reason: "skipped: email not configured")
        case "whatsapp", "email": break
        default: return .failed(reason: "unknown channel '\(n.channel)'", cause: "channel")
        }
        guard let moment = NotificationMoment(rawValue: n.moment), let role = RecipientRole(rawValue: n.recipientRole) else {
            return .failed(reason: "unknown moment '\(n.moment)' or recipient '\(n.recipientRole)'", cause: "render")
        }
        let message: RenderedMessage
        do {
            message = try NotificationCatalogue.render(moment: moment, recipient: role, parameters: n.parameters)
        } catch {
            return .failed(reason: "cannot render the message: \(error)", cause: "render")
        }
        guard let address = n.address, !address.isEmpty else {
            return .failed(reason: "the recipient has no \(n.channel == "email" ? "email address" : "phone number")", cause: "no_address")
        }
        if n.channel == "whatsapp", let whatsApp {
            await rateLimit?.acquire()
            do throws(WhatsAppError) {
                let result = try await whatsApp.sendTemplate(to: address, template: message.whatsAppTemplate,
                                                             language: message.whatsAppLanguage, bodyParameters: message.whatsAppParameters)
                guard let id = result.messageID else { return .failed(reason: "WhatsApp accepted without a message id", cause: "whatsapp_malformed") }
                return .sent(providerMessageID: id)
            } catch {
                return classify(error, attempt: n.attempts)
            }
        }
        guard let email else { return .skipped(reason: "skipped: email not configured") }
        do throws(EmailSendError) {
            let id = try await email.send(OutgoingEmail(to: address, toName: n.recipientName, subject: message.emailSubject,
                                                        text: message.emailText, html: message.emailHTML, messageKey: n.idempotencyKey))
            return .sent(providerMessageID: id)
        } catch {
            return error.permanent ? .failed(reason: "email refused: \(error.message)", cause: "email_refused")
                                   : .retry(reason: "email: \(error.message)", minimumDelay: nil)
        }
    }

    /// Network errors, 5xx, 429, throughput (130429) and pair rate (131056, 4^n s) are retried;
    /// undeliverable (131026), parameter mismatch (132000), the 24 h window (131047), bad tokens... are final.
    func classify(_ error: WhatsAppError, attempt: Int) -> DeliveryOutcome {
        if error.isRetryable {
            return .retry(reason: error.description, minimumDelay: error.code == 131056 ? options.pairRateBackoff(afterAttempt: attempt) : nil)
        }
        let cause: String
        if let code = error.code { cause = "whatsapp_\(code)" } else if let status = error.httpStatus { cause = "whatsapp_http_\(status)" } else { cause = "whatsapp" }
        return .failed(reason: error.description, cause: cause)
    }
}

import Foundation
import RochCore
import RochIntegrations
import RochStore

/// `roch whatsapp templates sync`: submits every template of the notification catalogue to Meta's
/// Business Management API and records the status each one has there (whatsapp_templates). A
/// template Meta already has (same name and language) is not submitted again: its status is read.
/// Recording APPROVED releases the messages held for that template.
public struct WhatsAppTemplateSync: Sendable {
    public let client: WhatsAppManagementClient
    public let wabaID: String

    public init(client: WhatsAppManagementClient, wabaID: String) {
        self.client = client
        self.wabaID = wabaID
    }

    /// One template's result.
    public struct Outcome: Sendable, Equatable {
        public var name: String
        public var language: String
        /// Meta's status, or nil when the template could not be submitted (`problem` says why).
        public var status: String?
        public var problem: String?
        /// Messages released because the template is approved.
        public var released = 0
    }

    /// Stopped before going through the catalogue: the token or the account id is wrong.
    public struct Refusal: Error, CustomStringConvertible {
        public var description: String
    }

    public func run(_ database: Database, definitions: [WhatsAppTemplateDefinition] = WhatsAppTemplateDefinition.catalogue()) async throws -> [Outcome] {
        var outcomes: [Outcome] = []
        for d in definitions {
            var outcome = Outcome(name: d.name, language: d.language)
            var found: WhatsAppManagementClient.Template?
            var submitted = false
            do throws(WhatsAppManagementClient.Failure) {
                found = try await client.submitTemplate(wabaID: wabaID, .init(name: d.name, language: d.language, category: d.category,
                                                                              bodyText: d.bodyText, bodyExamples: d.bodyExamples))
                submitted = true
            } catch where error.isDuplicateTemplate {
                do throws(WhatsAppManagementClient.Failure) {
                    found = try await client.templates(wabaID: wabaID, name: d.name).first { $0.language == d.language }
                } catch {
                    outcome.problem = "already at Meta, but its status could not be read: \(error)"
                }
            } catch {
                if error.isBadToken { throw Refusal(description: "Meta refused the access token (\(error)): check WHATSAPP_ACCESS_TOKEN") }
                if error.httpStatus == nil { throw Refusal(description: "cannot reach Meta's Graph API: \(error)") }
                if error.httpStatus == 404 || (error.code == 100 && error.subcode == 33) {
                    throw Refusal(description: "Meta does not know WhatsApp Business Account \(wabaID) (\(error)): check WHATSAPP_BUSINESS_ACCOUNT_ID")
                }
                outcome.problem = "\(error)"
            }
            if let found {
                let submittedNow = submitted
                let status = (found.status ?? "PENDING").uppercased()
                outcome.status = status
                outcome.released = try await database.withConnection { c in
                    try WhatsAppTemplateRepository.record(c, name: d.name, language: d.language, category: found.category ?? d.category,
                                                          status: status, metaTemplateID: found.id, reason: found.rejectedReason,
                                                          submitted: submittedNow)
                }
            } else if outcome.problem == nil {
                outcome.problem = "Meta says the template exists but does not list it in language \(d.language)"
            }
            outcomes.append(outcome)
        }
        return outcomes
    }
}

import ArgumentParser
import Foundation
import RochApp
import RochIntegrations

struct WhatsAppCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "whatsapp", abstract: "WhatsApp Business account tasks.", subcommands: [Templates.self])

    struct Templates: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Message templates at Meta.", subcommands: [Sync.self])

        struct Sync: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Submit every template of the notification catalogue to Meta and record each one's approval status.",
                discussion: """
                    POSTs each template (name, language, category UTILITY, body with an example for every variable) to \
                    /{WHATSAPP_BUSINESS_ACCOUNT_ID}/message_templates; a template Meta already has is not submitted again, \
                    its status is read. Statuses then follow the message_template_status_update webhooks. Once any status is \
                    recorded, the worker holds WhatsApp messages whose template is not APPROVED (status 'held' in the \
                    notification log) and sends them when Meta approves it; while none is recorded it sends as before. \
                    Safe to re-run. Environment: DATABASE_URL, WHATSAPP_* and WHATSAPP_BUSINESS_ACCOUNT_ID.
                    """)

            func run() async throws {
                let env = AppContext.environment()
                let context: AppContext
                do { context = try AppContext.fromEnvironment() } catch { throw ValidationError("\(error)") }
                guard let whatsApp = context.configuration.whatsApp else {
                    throw CommandFailure("WhatsApp is not configured: set WHATSAPP_ACCESS_TOKEN, WHATSAPP_PHONE_NUMBER_ID, WHATSAPP_APP_SECRET and WHATSAPP_VERIFY_TOKEN")
                }
                guard let waba = env["WHATSAPP_BUSINESS_ACCOUNT_ID"], !waba.isEmpty, waba.allSatisfy(\.isNumber) else {
                    throw CommandFailure("set WHATSAPP_BUSINESS_ACCOUNT_ID to the numeric WhatsApp Business Account id (WhatsApp Manager > Account tools)")
                }
                let sync = WhatsAppTemplateSync(client: WhatsAppManagementClient(apiBase: whatsApp.apiBase, accessToken: whatsApp.accessToken),
                                                wabaID: waba)
                let outcomes: [WhatsAppTemplateSync.Outcome]
                do { outcomes = try await sync.run(context.database) } catch let refusal as WhatsAppTemplateSync.Refusal {
                    throw CommandFailure("templates sync stopped: \(refusal)")
                }
                for o in outcomes {
                    let released = o.released > 0 ? " (\(o.released) held message\(o.released == 1 ? "" : "s") released)" : ""
                    print("\(o.name) (\(o.language)): \(o.status ?? "NOT SUBMITTED: \(o.problem ?? "")")\(released)")
                }
                let failed = outcomes.filter { $0.status == nil }.count
                print("\(outcomes.count) templates: \(outcomes.filter { $0.status == "APPROVED" }.count) approved, \(failed) not submitted")
                if failed > 0 { throw ExitCode.failure }
            }
        }
    }
}

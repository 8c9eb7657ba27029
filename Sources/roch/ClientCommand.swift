import ArgumentParser
import Foundation
import RochApp

/// `roch client export|erase --phone`: a client's rights under India's DPDP Act.
struct ClientCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "client", abstract: "A client's data: export everything held about them, or erase their personal data.",
        subcommands: [Export.self, Erase.self])

    static func rights() throws -> ClientDataRights {
        let context: AppContext
        do { context = try AppContext.fromEnvironment() } catch { throw ValidationError("\(error)") }
        return ClientDataRights(database: context.database, documents: context.configuration.documents.makeStore(),
                                actor: "roch client by \(operatorName())")
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write everything held about a client as client.json, with their documents (PDF), into a new folder.",
            discussion: "The export is recorded in the audit log. Token hashes and storage keys are left out.")
        @Option(help: "The client's phone number (as they gave it; +91 is assumed without a country code).")
        var phone: String
        @Option(name: .customLong("to"), help: "A new (or empty) folder for the export.")
        var directory: String

        func run() async throws {
            do {
                let export = try await ClientCommand.rights().export(phone: phone, to: directory)
                print("exported: \(directory)/client.json and \(export.documents.count) document(s) in \(directory)/documents")
            } catch let refusal as ClientDataRights.Refusal {
                throw CommandFailure(refusal.description)
            }
        }
    }

    struct Erase: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Anonymise a client's personal data; payments, invoices and issued documents are kept (tax law).",
            discussion: """
                In one transaction: name, phone, email and consent are replaced, booking notes and contact details \
                cleared, messages to and from them anonymised (those not yet sent are cancelled), portal links revoked. \
                Recorded in the audit log. Not reversible: take an export first if the client asked for one.
                """)
        @Option(help: "The client's phone number.")
        var phone: String
        @Flag(help: "Confirm: the personal data cannot be brought back.")
        var yes = false
        @Flag(help: "Erase even though a booking of theirs is still in progress.")
        var evenWithActiveBookings = false

        func run() async throws {
            guard yes else { throw ValidationError("erasing cannot be undone: add --yes to confirm") }
            do {
                let e = try await ClientCommand.rights().erase(phone: phone, evenWithActiveBookings: evenWithActiveBookings)
                print("erased: \(e.bookings) booking(s) cleared, \(e.messagesAnonymised) message(s) anonymised (\(e.messagesCancelled) unsent cancelled), \(e.messagesReceived) received message(s) erased, \(e.portalAccessRemoved) portal link(s)/session(s) removed")
                print("kept (tax law): \(e.paymentsKept) payment(s), \(e.invoicesKept) invoice(s), \(e.documentsKept) document(s)")
            } catch let refusal as ClientDataRights.Refusal {
                throw CommandFailure(refusal.description)
            }
        }
    }
}

import ArgumentParser
import Foundation
import RochApp
import RochCore
import RochStore

/// `roch portal-link`: the team mints a client's portal sign-in link (or revokes all of them).
struct PortalLinkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "portal-link",
        abstract: "Print a new sign-in link to a client's portal, or revoke every link and session of the client.")

    @Option(help: "The client's phone number (as they gave it, e.g. 98765 43210 or +91...).")
    var phone: String

    @Option(help: "Hours the link stays usable.")
    var hours: Int = 72

    @Option(help: "Who is issuing it, for the record (e.g. staff:3).")
    var issuedBy: String = "cli"

    @Flag(help: "Revoke the client's links and sessions instead (signs every browser out).")
    var revoke = false

    func validate() throws {
        guard (1...24 * 30).contains(hours) else { throw ValidationError("--hours must be from 1 to 720.") }
        guard (try? PhoneNumber.parse(phone)) != nil else { throw ValidationError("'\(phone)' is not a phone number.") }
    }

    func run() throws {
        let env = EnvironmentFile.merged(with: ProcessInfo.processInfo.environment)
        let configuration = try Configuration(environment: env)
        let connection = try Connection(url: configuration.databaseURL)
        let e164 = try PhoneNumber.parse(phone).e164
        guard let client = try PortalAccessRepository.client(connection, phone: e164) else {
            throw ValidationError("No client has the number \(e164).")
        }
        if revoke {
            try connection.transaction { c in try PortalAccessRepository.revokeAll(c, clientID: client.id) }
            print("revoked every portal link and session of \(client.name)")
            return
        }
        let link = try connection.transaction { c in
            try PortalAccess.issueLink(c, clientID: client.id, issuedBy: issuedBy, lifetime: TimeInterval(hours) * 3600,
                                       siteURL: configuration.siteURL)
        }
        print(link)
    }
}

import ArgumentParser
import Foundation
import RochApp
import RochCore
import RochStore

/// `roch staff ...`: the team's accounts (add, list, disable, reset-password, sessions, unlock).
struct StaffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "staff",
        abstract: "Manage the team's accounts for the admin pages (/admin).",
        subcommands: [Add.self, List.self, Disable.self, ResetPassword.self, Sessions.self, Unlock.self])

    /// What every subcommand needs: the configuration, a connection and the account service.
    struct Setup {
        let connection: Connection
        let accounts: StaffAccounts

        init() throws {
            let env = EnvironmentFile.merged(with: ProcessInfo.processInfo.environment)
            let configuration = try Configuration(environment: env)
            connection = try Connection(url: configuration.databaseURL)
            let templates = AdminTemplates.defaultDirectory(environment: env)
            accounts = StaffAccounts(policy: StaffAccounts.policy(templatesDirectory: templates), hasher: PasswordHasher.from(environment: env),
                                     siteURL: configuration.siteURL)
        }
    }

    /// Who did it, for the audit log: the operating-system user at the terminal.
    static var actor: String { "cli:" + (ProcessInfo.processInfo.environment["USER"] ?? "unknown") }

    static func run<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let refusal as StaffAccounts.Refusal { throw ValidationError(refusal.message) }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a team member. Prints a one-time link to choose a password (24 h), unless --password-stdin.")

        @Option(help: "Their email address (they sign in with it).") var email: String
        @Option(help: "Their name as the team knows it.") var name: String
        @Option(help: "Their mobile number, e.g. +919820012345.") var phone: String?
        @Option(help: "owner | coordinator | accounts") var role: String
        @Flag(help: "Read the password from standard input (one line) instead of printing a link.") var passwordStdin = false

        func validate() throws {
            guard StaffRole(rawValue: role) != nil else { throw ValidationError("--role must be owner, coordinator or accounts.") }
        }

        func run() throws {
            let setup = try Setup()
            var password: String?
            if passwordStdin {
                guard let line = readLine(strippingNewline: true), !line.isEmpty else {
                    throw ValidationError("--password-stdin: no password on standard input.")
                }
                password = line
            }
            let (account, link) = try StaffCommand.run {
                try setup.accounts.add(setup.connection, email: email, name: name, phone: phone, role: StaffRole(rawValue: role)!,
                                       password: password, actor: StaffCommand.actor)
            }
            print("added \(account.email) (\(account.role), id \(account.id))")
            if let link {
                print("one-time link to choose a password (valid 24 hours, send it to them privately):")
                print(link)
            }
            if account.role == StaffRole.owner.rawValue {
                print("owners set up two-step sign-in (an authenticator app) the first time they sign in")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List every account: role, state, two-step sign-in, open sessions.")

        func run() throws {
            let setup = try Setup()
            let now = Date()
            for a in try StaffAccountRepository.all(setup.connection) {
                let sessions = try StaffSessionRepository.open(setup.connection, staffID: a.id, now: now).count
                let state = !a.active ? "disabled" : a.passwordHash == nil ? "no password yet" : "active"
                print([a.email, a.name, a.role, state, a.totpEnabled ? "2fa on" : "2fa off", "\(sessions) session\(sessions == 1 ? "" : "s")"]
                    .joined(separator: "\t"))
            }
        }
    }

    struct Disable: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable an account and sign it out everywhere.")
        @Argument(help: "The account's email.") var email: String

        func run() throws {
            let setup = try Setup()
            let revoked = try StaffCommand.run { try setup.accounts.disable(setup.connection, email: email, actor: StaffCommand.actor) }
            print("disabled \(email.lowercased()); \(revoked) session\(revoked == 1 ? "" : "s") ended")
        }
    }

    struct ResetPassword: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reset-password",
            abstract: "Print a one-time link (24 h) to choose a new password; earlier links stop working.")
        @Argument(help: "The account's email.") var email: String

        func run() throws {
            let setup = try Setup()
            let link = try StaffCommand.run { try setup.accounts.resetLink(setup.connection, email: email, actor: StaffCommand.actor) }
            print(link)
        }
    }

    struct Sessions: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List an account's open sessions, or end them all with --revoke.")
        @Argument(help: "The account's email.") var email: String
        @Flag(help: "End every session of the account (signs every browser out).") var revoke = false

        func run() throws {
            let setup = try Setup()
            guard let account = try StaffAccountRepository.find(setup.connection, email: email) else {
                throw ValidationError("No account has the email \(email).")
            }
            if revoke {
                let n = try StaffCommand.run { try setup.accounts.revokeSessions(setup.connection, email: email, actor: StaffCommand.actor) }
                print("ended \(n) session\(n == 1 ? "" : "s") of \(account.email)")
                return
            }
            let formatter = ISO8601DateFormatter()
            let open = try StaffSessionRepository.open(setup.connection, staffID: account.id, now: Date())
            if open.isEmpty { print("\(account.email) has no open sessions") }
            for s in open {
                print([formatter.string(from: s.createdAt), "last seen " + formatter.string(from: s.lastSeenAt), s.stage, s.ip ?? "-",
                       s.userAgent ?? "-"].joined(separator: "\t"))
            }
        }
    }

    struct Unlock: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Lift a sign-in lock (10 failures in 5 minutes lock an account or address for 15 minutes).")
        @Argument(help: "An account's email, or an IP address (an IPv6 address unlocks its /64).") var key: String

        func run() throws {
            let setup = try Setup()
            let lifted = try StaffCommand.run { try setup.accounts.unlock(setup.connection, emailOrAddress: key, actor: StaffCommand.actor) }
            print(lifted ? "unlocked \(key)" : "\(key) was not locked (nothing to do)")
        }
    }
}

import ArgumentParser
import Foundation
import RochApp
import RochStore

struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check configuration, database and migrations; list every problem at once.")

    @Flag(help: "Also check the Razorpay and WhatsApp credentials with one read-only call each.")
    var providers = false

    func run() async throws {
        let env = AppContext.environment()
        let configuration: Configuration
        do {
            configuration = try Configuration(environment: env)
        } catch let problems as Configuration.Problems {
            print(problems.description)
            throw ExitCode(1)
        }
        var failed = false
        do {
            let connection = try Connection(url: configuration.databaseURL)
            let report = HealthCheck.run(connection, migrationsDirectory: env["ROCH_MIGRATIONS_DIR"] ?? "db/migrations")
            report.lines.forEach { print($0) }
            failed = !report.isHealthy
        } catch {
            print("database: \(error)")
            failed = true
        }
        // The mailer trusts only these certificates for SMTP: a file it cannot read fails every email.
        if let caFile = configuration.mail?.caFile, !FileManager.default.isReadableFile(atPath: caFile) {
            print("email: SMTP_CA_FILE \(caFile.debugDescription) is not a readable file of PEM certificates")
            failed = true
        }
        failed = InstallationChecks.report(configuration: configuration, environment: env) || failed
        if providers {
            for finding in await ProviderCheck.run(configuration) {
                print(finding.line)
                failed = failed || !finding.ok
            }
        }
        for w in configuration.warnings { print("note: \(w)") }
        if failed { throw ExitCode(1) }
        print("all good")
    }
}

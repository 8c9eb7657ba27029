import ArgumentParser
import Foundation
import RochApp
import RochStore

struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check configuration, database and migrations; list every problem at once.")

    func run() throws {
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
        for w in configuration.warnings { print("note: \(w)") }
        if failed { throw ExitCode(1) }
        print("all good")
    }
}

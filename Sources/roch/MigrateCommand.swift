import ArgumentParser
import Foundation
import RochApp
import RochStore

struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply pending database migrations (db/migrations/NNNN_name.sql), or show their status.")

    @Flag(help: "List every migration and whether it is applied, without applying anything.")
    var status = false

    @Option(help: "Directory of migration files.")
    var directory = "db/migrations"

    func run() throws {
        let url = try databaseURL()
        let migrator = try Migrator(directory: directory)
        let connection = try Connection(url: url)
        if status {
            for s in try migrator.status(connection) {
                let state = s.appliedAt.map { "applied \($0)" } ?? "pending"
                print("\(s.version)_\(s.name)  \(state)\(s.changedSinceApplied ? "  (file changed since it was applied!)" : "")")
            }
            return
        }
        do {
            let applied = try migrator.migrate(connection)
            print(applied.isEmpty ? "database is up to date (\(migrator.migrations.count) migrations)"
                                  : applied.map { "applied \($0.version)_\($0.name)" }.joined(separator: "\n"))
        } catch let error as Migrator.MigrationError {
            throw ValidationError("migration failed: \(error)")
        }
    }
}

/// DATABASE_URL from the environment or `.env`; a clear message when it is missing.
func databaseURL() throws -> String {
    let env = AppContext.environment()
    guard let url = env["DATABASE_URL"], !url.isEmpty else {
        throw ValidationError("DATABASE_URL is not set. Run `make db` for a private PostgreSQL, then `export DATABASE_URL=$(make -s db-url)`.")
    }
    return url
}

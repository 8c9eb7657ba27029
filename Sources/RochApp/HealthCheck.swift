import Foundation
import RochStore

/// What the health check found: is the database reachable, is the schema current. `roch doctor` prints it;
/// `GET /api/health` answers only its status (`HealthStatus`).
public struct HealthReport: Sendable, Codable, Equatable {
    public var status: String            // "ok" or "unhealthy"
    public var database: String          // "ok" or the error
    public var migrationsApplied: Int
    public var migrationsPending: [String]

    public var isHealthy: Bool { status == "ok" }

    /// The details for operators (`roch doctor`, the log), one line per check; never sent to the public.
    public var lines: [String] {
        // Without a database answer there is nothing to say about migrations.
        guard database == "ok" else { return ["database: \(database)"] }
        let migrations = migrationsPending.isEmpty
            ? "migrations: \(migrationsApplied) applied, none pending"
            : "migrations: pending \(migrationsPending.joined(separator: ", ")) — run `roch migrate`"
        return ["database: ok", migrations]
    }

    enum CodingKeys: String, CodingKey {
        case status, database
        case migrationsApplied = "migrations_applied"
        case migrationsPending = "migrations_pending"
    }
}

public enum HealthCheck {
    /// Checks the database on one connection. Never throws: problems are in the report.
    public static func run(_ connection: Connection, migrationsDirectory: String) -> HealthReport {
        do {
            _ = try connection.query("SELECT 1")
        } catch {
            return HealthReport(status: "unhealthy", database: "\(error)", migrationsApplied: 0, migrationsPending: [])
        }
        do {
            let migrator = try Migrator(directory: migrationsDirectory)
            let pending = try migrator.pending(connection)
            return HealthReport(status: pending.isEmpty ? "ok" : "unhealthy", database: "ok",
                                migrationsApplied: migrator.migrations.count - pending.count,
                                migrationsPending: pending.map { "\($0.version)_\($0.name)" })
        } catch {
            return HealthReport(status: "unhealthy", database: "ok: but migrations cannot be checked: \(error)",
                                migrationsApplied: 0, migrationsPending: [])
        }
    }

    public static func run(_ context: AppContext) async -> HealthReport {
        let dir = context.migrationsDirectory
        do {
            return try await context.database.withConnection { run($0, migrationsDirectory: dir) }
        } catch {
            return HealthReport(status: "unhealthy", database: "\(error)", migrationsApplied: 0, migrationsPending: [])
        }
    }
}

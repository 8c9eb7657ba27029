import ArgumentParser
import Foundation
import RochApp
import RochCore
import RochStore

struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Back up the database: a pg_dump of one snapshot, its manifest and a SHA-256 checksum file.",
        discussion: """
            Writes roch-<UTC time>.dump (pg_dump custom format), .manifest.json (time, release, migration level, \
            rows per table, document store) and .sha256 into the folder. With --keep-daily/--keep-weekly, then \
            deletes the older backups of that folder the policy does not keep. Environment: DATABASE_URL, \
            BACKUP_DIR (default folder), PG_BINDIR (where pg_dump is, when not /usr/lib/postgresql/<server version>/bin).
            """)

    @Option(name: .customLong("to"), help: "Folder for the backup (default: BACKUP_DIR, else ./backups).")
    var directory: String?

    @Option(help: "Keep the newest backup of each of this many days (with --keep-weekly: prune the folder).")
    var keepDaily: Int?

    @Option(help: "Also keep the newest backup of each of this many weeks before those days.")
    var keepWeekly: Int?

    func validate() throws {
        if let d = keepDaily, d < 1 { throw ValidationError("--keep-daily must be at least 1 (the backup just taken)") }
        if let w = keepWeekly, w < 0 { throw ValidationError("--keep-weekly cannot be negative") }
    }

    func run() throws {
        let env = AppContext.environment()
        let folder = directory ?? env["BACKUP_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "backups"
        let retention = (keepDaily != nil || keepWeekly != nil) ? BackupRetention(daily: keepDaily ?? 7, weekly: keepWeekly ?? 0) : nil
        do {
            let result = try Backup.run(databaseURL: try databaseURL(), directory: folder, environment: env, retention: retention)
            let rows = result.manifest.tables.values.reduce(0, +)
            print("backup: \(result.files.dump) (\(result.manifest.dumpBytes) bytes, \(result.manifest.tables.count) tables, \(rows) rows, schema \(result.manifest.migrationLevel ?? "empty"))")
            print("manifest: \(result.files.manifest)\nchecksums: \(result.files.checksums)")
            for p in result.pruned { print("pruned: \(p)") }
        } catch let failure as PostgresTools.Failure {
            throw CommandFailure("backup failed, nothing written: \(failure)")
        }
    }
}

struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore a backup into an empty or new database, migrate it, and leave its outbox paused.",
        discussion: """
            Verifies FILE against its .sha256 first. Refuses a database that holds tables unless --force. \
            The outbox stays paused (no WhatsApp, email or payment link leaves) until `roch outbox resume`: \
            check the restored data first. Stop the workers before restoring over the configured database.
            """)

    @Argument(help: "The backup's .dump file.")
    var file: String

    @Option(help: "Create this database on the same server and restore into it (the drill; DATABASE_URL is left alone).")
    var intoNew: String?

    @Flag(help: "Restore over a non-empty database, dropping everything in it first.")
    var force = false

    @Flag(help: "Leave the outbox running after the restore (only for a copy whose providers are fakes).")
    var resumeOutbox = false

    @Option(help: "Directory of migration files.")
    var migrations = "db/migrations"

    func run() throws {
        let env = AppContext.environment()
        let options = Restore.Options(dump: file, databaseURL: try databaseURL(), intoNewDatabase: intoNew, force: force,
                                      resumeOutbox: resumeOutbox, migrationsDirectory: migrations, environment: env)
        do {
            let result = try Restore.run(options)
            let from = result.manifest.map { " (taken \($0.createdAt), release \($0.version), schema \($0.migrationLevel ?? "empty"))" } ?? ""
            print("restored \(file)\(from) into \(DatabaseURL.redacted(result.databaseURL))")
            print(result.migrationsApplied.isEmpty ? "migrations: none pending" : "migrations applied: \(result.migrationsApplied.joined(separator: ", "))")
            print(result.outboxPaused ? "outbox: PAUSED (nothing is sent); check the data, then run `roch outbox resume`" : "outbox: running")
        } catch let refusal as Restore.Refusal {
            throw CommandFailure("restore: \(refusal)")
        } catch let failure as PostgresTools.Failure {
            throw CommandFailure("restore failed (the database is left without the restored data): \(failure)")
        }
    }
}

struct OutboxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox",
        abstract: "Pause, resume or show the outbox (WhatsApp, email, payment-link jobs) for every worker.",
        subcommands: [Pause.self, Resume.self, Status.self], defaultSubcommand: Status.self)

    struct Pause: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop every worker from sending or running jobs.")
        func run() throws {
            try OperatorSettings.setOutboxPaused(try Connection(url: try databaseURL()), true, changedBy: "roch outbox pause by \(operatorName())")
            print("outbox: paused")
        }
    }

    struct Resume: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Let the workers send again (wakes them at once).")
        func run() throws {
            let c = try Connection(url: try databaseURL())
            try OperatorSettings.setOutboxPaused(c, false, changedBy: "roch outbox resume by \(operatorName())")
            let due = try OperatorSettings.messagesDue(c)
            print("outbox: running (\(due) message\(due == 1 ? "" : "s") due now)")
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Whether the outbox is paused, and since when.")
        func run() throws {
            let c = try Connection(url: try databaseURL())
            guard let s = try OperatorSettings.outboxSwitch(c) else { print("outbox: running (never paused)"); return }
            print("outbox: \(s.paused ? "PAUSED" : "running") since \(s.at) (\(s.changedBy))")
        }
    }
}

/// Who ran a command, for the record kept with an operator switch.
func operatorName() -> String {
    ProcessInfo.processInfo.environment["SUDO_USER"] ?? ProcessInfo.processInfo.environment["USER"] ?? "unknown"
}

/// A command that could not do its job: ArgumentParser prints "Error: <message>" without the usage
/// text (which ValidationError adds, as if the command line were wrong).
struct CommandFailure: Error, CustomStringConvertible {
    var description: String
    init(_ message: String) { description = message }
}

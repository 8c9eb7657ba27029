import ArgumentParser
import Foundation
import RochApp
import RochCore
import RochStore

struct UpgradeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upgrade",
        abstract: "Upgrade a live installation: back up, migrate under the advisory lock, restart responders one at a time.",
        discussion: """
            Run it from the new release after deploy/install.sh switched /srv/roch/current. Each migration file \
            applies in its own transaction: a failing one leaves the database as it was before that file, and the \
            command stops before restarting anything (deploy/README.md, "Upgrade and roll back"). The responders \
            (roch-fn@*.service) restart one at a time so the others keep answering, then the worker \
            (which finishes the batch in hand on SIGTERM). Without systemd the restarts are skipped with a message.
            """)

    @Option(help: "Folder for the backup taken first (default: BACKUP_DIR, else ./backups).")
    var backupTo: String?

    @Flag(help: "Skip the backup (only when one was just taken).")
    var noBackup = false

    @Option(help: "Directory of migration files (default: ROCH_MIGRATIONS_DIR, else db/migrations).")
    var migrations: String?

    @Flag(help: "Migrate only; do not restart any service.")
    var noRestart = false

    func run() throws {
        let env = AppContext.environment()
        let url = try databaseURL()
        var backupFile = "none (--no-backup)"
        if !noBackup {
            let folder = backupTo ?? env["BACKUP_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "backups"
            do {
                let result = try Backup.run(databaseURL: url, directory: folder, environment: env)
                backupFile = result.files.dump
                print("1/3 backup: \(backupFile) (schema \(result.manifest.migrationLevel ?? "empty"))")
            } catch let failure as PostgresTools.Failure {
                throw CommandFailure("upgrade stopped before changing anything: the backup failed: \(failure)")
            }
        }
        let directory = migrations ?? env["ROCH_MIGRATIONS_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "db/migrations"
        let connection = try Connection(url: url)
        do {
            let applied = try Migrator(directory: directory).migrate(connection)
            print("2/3 migrations: " + (applied.isEmpty ? "none pending" : applied.map { "\($0.version)_\($0.name)" }.joined(separator: ", ")))
        } catch let error as Migrator.MigrationError {
            let level = (try? TableCensus.migrationVersions(connection).last) ?? nil
            throw CommandFailure("""
                upgrade stopped: migration failed: \(error)
                The database is at \(level ?? "no migration"), as before that file; nothing was restarted, the running \
                release keeps serving. To roll back the release: point /srv/roch/current at the previous release \
                (ln -sfn releases/<previous> /srv/roch/current). Backup taken before: \(backupFile).
                """)
        }
        guard !noRestart else { print("3/3 restarts: skipped (--no-restart)"); return }
        guard FileManager.default.fileExists(atPath: "/run/systemd/system"),
              let systemctl = ["/usr/bin/systemctl", "/bin/systemctl"].first(where: FileManager.default.isExecutableFile) else {
            print("3/3 restarts: skipped: systemd is not running here. Restart each responder yourself, one at a time, then the worker.")
            return
        }
        let listing = try Program.output(systemctl, ["list-units", "--type=service", "--state=active", "--plain", "--no-legend", "roch-fn@*"])
        let units = listing.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) }
        for unit in units + ["roch-worker.service"] {
            // `restart` returns once the new process is started; the next waits until then.
            _ = try Program.output(systemctl, ["restart", unit])
            let state = (try? Program.output(systemctl, ["is-active", unit]))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "unknown"
            print("3/3 restarted \(unit): \(state)")
            if state != "active" {
                throw CommandFailure("\(unit) did not come back (\(state)): journalctl -u \(unit); the others were not restarted")
            }
        }
    }
}

/// Runs a program and returns what it printed; throws on a non-zero exit.
enum Program {
    static func output(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw CommandFailure("\(executable) \(arguments.joined(separator: " ")) failed: \(text)")
        }
        return text
    }
}

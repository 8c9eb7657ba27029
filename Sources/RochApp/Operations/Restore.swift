import Foundation
import RochStore

/// `roch restore`: checks the backup's checksums, restores it into an empty (or new) database, runs
/// the migrations, and leaves the outbox paused, so the restored copy sends nothing (no WhatsApp
/// message again, no second payment link) until an operator runs `roch outbox resume`.
public enum Restore {
    public struct Options: Sendable {
        /// The `.dump` file of a backup (its `.sha256` and `.manifest.json` sit next to it).
        public var dump: String
        /// The configured DATABASE_URL: the target, or the server on which `intoNewDatabase` is created.
        public var databaseURL: String
        public var intoNewDatabase: String?
        /// Restore over a database that holds tables (they are dropped first).
        public var force = false
        /// Leave the outbox running (only for a copy whose providers are fakes or switched off).
        public var resumeOutbox = false
        public var migrationsDirectory: String
        public var environment: [String: String]

        public init(dump: String, databaseURL: String, intoNewDatabase: String? = nil, force: Bool = false,
                    resumeOutbox: Bool = false, migrationsDirectory: String, environment: [String: String]) {
            self.dump = dump
            self.databaseURL = databaseURL
            self.intoNewDatabase = intoNewDatabase
            self.force = force
            self.resumeOutbox = resumeOutbox
            self.migrationsDirectory = migrationsDirectory
            self.environment = environment
        }
    }

    /// Why a restore did not start or did not finish; the message says what to do.
    public struct Refusal: Error, CustomStringConvertible {
        public var description: String
    }

    public struct Result: Sendable {
        public var databaseURL: String
        public var manifest: BackupManifest?
        public var migrationsApplied: [String]
        public var outboxPaused: Bool
    }

    public static func run(_ options: Options) throws -> Result {
        let manifest = try verify(dump: options.dump)
        guard let name = options.intoNewDatabase ?? DatabaseURL.databaseName(options.databaseURL) else {
            throw Refusal(description: "DATABASE_URL names no database: pass --into-new NAME")
        }
        let target: String
        if let fresh = options.intoNewDatabase {
            guard fresh.range(of: "^[a-z_][a-z0-9_]{0,62}$", options: .regularExpression) != nil else {
                throw Refusal(description: "--into-new \(fresh): use lower-case letters, digits and _ (at most 63)")
            }
            let server = try Connection(url: options.databaseURL)
            do {
                try TableCensus.createDatabase(server, name: fresh)
            } catch let error as PostgresError {
                throw Refusal(description: "cannot create database \(fresh): \(error.message)")
            }
            target = DatabaseURL.replacingDatabase(options.databaseURL, with: fresh)
        } else {
            target = options.databaseURL
        }
        let connection = try Connection(url: target)
        if try !TableCensus.isEmpty(connection) {
            guard options.force else {
                throw Refusal(description: """
                    database \(name) is not empty: restoring over it would replace live data. \
                    Restore into a new database with --into-new NAME, or pass --force to drop everything in \(name) first.
                    """)
            }
            try TableCensus.dropPublicSchema(connection)
        }
        let major = try TableCensus.serverMajorVersion(connection)
        let pgRestore = PostgresTools.path(of: "pg_restore", serverMajorVersion: major, environment: options.environment)
        // One transaction: a failed restore leaves the database empty rather than half restored.
        try PostgresTools.run(pgRestore, ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
                                          "--no-password", "--dbname=\(target)", options.dump])
        if let manifest {
            let counts = try TableCensus.rowCounts(connection)
            let differing = manifest.tables.filter { counts[$0.key] != $0.value }.keys.sorted()
            if !differing.isEmpty {
                throw Refusal(description: "restored row counts differ from the manifest in: \(differing.joined(separator: ", "))")
            }
        }
        let reason = options.resumeOutbox ? "roch restore --resume-outbox"
                                          : "roch restore of \((options.dump as NSString).lastPathComponent)"
        // Pause at once when the dump already has the switch (a worker may be pointed at this database),
        // then again after the migrations, which create it for an older dump.
        if !options.resumeOutbox { try? OperatorSettings.setOutboxPaused(connection, true, changedBy: reason) }
        let applied = try Migrator(directory: options.migrationsDirectory).migrate(connection).map { "\($0.version)_\($0.name)" }
        try OperatorSettings.setOutboxPaused(connection, !options.resumeOutbox, changedBy: reason)
        return Result(databaseURL: target, manifest: manifest, migrationsApplied: applied, outboxPaused: !options.resumeOutbox)
    }

    /// Checks the dump (and the manifest, when present) against the backup's checksum file; returns the manifest.
    public static func verify(dump: String) throws -> BackupManifest? {
        let files = Backup.Files(dump: dump)
        guard FileManager.default.fileExists(atPath: dump) else { throw Refusal(description: "\(dump): no such file") }
        guard let text = try? String(contentsOfFile: files.checksums, encoding: .utf8) else {
            throw Refusal(description: "\(files.checksums) is missing: a backup without its checksum file cannot be verified (was it copied whole?)")
        }
        let sums = BackupDigest.parseChecksumFile(text)
        let dumpName = (dump as NSString).lastPathComponent
        guard let expected = sums[dumpName] else {
            throw Refusal(description: "\(files.checksums) has no checksum for \(dumpName)")
        }
        guard try BackupDigest.sha256(path: dump) == expected else {
            throw Refusal(description: "\(dump) does not match its checksum: the file is damaged or incomplete; use another backup")
        }
        let manifestName = (files.manifest as NSString).lastPathComponent
        guard let data = FileManager.default.contents(atPath: files.manifest) else { return nil }
        guard let sum = sums[manifestName], try BackupDigest.sha256(path: files.manifest) == sum else {
            throw Refusal(description: "\(files.manifest) does not match its checksum")
        }
        return try BackupManifest.decode(data)
    }
}

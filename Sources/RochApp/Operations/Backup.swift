import Foundation
import RochCore
import RochStore

/// `roch backup`: a pg_dump (custom format) of one consistent snapshot, the manifest of that same
/// snapshot, and a SHA-256 checksum file, written under temporary names and renamed when complete,
/// so a backup folder never holds a half-written backup under a final name.
public enum Backup {
    /// The three files of one backup.
    public struct Files: Sendable, Equatable {
        public var dump: String
        public var manifest: String
        public var checksums: String

        /// The files that belong with `dump` (`X.dump` → `X.manifest.json`, `X.sha256`).
        public init(dump: String) {
            self.dump = dump
            let stem = dump.hasSuffix(".dump") ? String(dump.dropLast(5)) : dump
            manifest = stem + ".manifest.json"
            checksums = stem + ".sha256"
        }
    }

    public struct Result: Sendable {
        public var files: Files
        public var manifest: BackupManifest
        /// Older backups that retention deleted.
        public var pruned: [String]
    }

    /// Takes a backup of `databaseURL` into `directory`; with `retention`, then deletes the backups
    /// of that folder the policy does not keep.
    public static func run(databaseURL: String, directory: String, environment: [String: String],
                           retention: BackupRetention? = nil, now: Date = Date()) throws -> Result {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let files = Files(dump: freshDumpPath(in: directory, at: now))
        let partial = files.dump + ".partial"
        defer { try? FileManager.default.removeItem(atPath: partial) }

        let connection = try Connection(url: databaseURL)
        // One snapshot for the counts and the dump: rows committed while pg_dump runs are in neither.
        let manifest = try connection.transaction(.repeatableRead) { c -> BackupManifest in
            try c.execute("SET TRANSACTION READ ONLY")
            let snapshot = try TableCensus.exportSnapshot(c)
            let major = try TableCensus.serverMajorVersion(c)
            let tables = try TableCensus.rowCounts(c)
            let migrations = try TableCensus.migrationVersions(c)
            let pgDump = PostgresTools.path(of: "pg_dump", serverMajorVersion: major, environment: environment)
            try PostgresTools.run(pgDump, ["--format=custom", "--snapshot=\(snapshot)", "--no-password",
                                           "--file=\(partial)", "--dbname=\(databaseURL)"])
            let bytes = ((try FileManager.default.attributesOfItem(atPath: partial)[.size]) as? NSNumber)?.int64Value ?? 0
            let documents = try DocumentStoreManifest.make(tables: tables, environment: environment)
            return (BackupManifest(createdAt: now, version: ReleaseVersion.current(environment: environment),
                                   database: DatabaseURL.databaseName(databaseURL) ?? "", serverMajorVersion: major,
                                   migrationLevel: migrations.last, migrations: migrations, tables: tables,
                                   dumpFile: (files.dump as NSString).lastPathComponent, dumpBytes: bytes,
                                   documentStore: documents))
        }
        try manifest.encoded().write(to: URL(fileURLWithPath: files.manifest + ".partial"), options: .atomic)
        let sums = BackupDigest.checksumFile([
            ((files.dump as NSString).lastPathComponent, try BackupDigest.sha256(path: partial)),
            ((files.manifest as NSString).lastPathComponent, try BackupDigest.sha256(path: files.manifest + ".partial")),
        ])
        try FileManager.default.moveItem(atPath: partial, toPath: files.dump)
        try FileManager.default.moveItem(atPath: files.manifest + ".partial", toPath: files.manifest)
        // The checksum file comes last: its presence marks a complete backup.
        try Data(sums.utf8).write(to: URL(fileURLWithPath: files.checksums), options: .atomic)
        let pruned = try retention.map { try prune(directory: directory, keeping: $0) } ?? []
        return Result(files: files, manifest: manifest, pruned: pruned)
    }

    /// Deletes the complete backups (those with a checksum file) of `directory` that `retention` does not keep.
    public static func prune(directory: String, keeping retention: BackupRetention) throws -> [String] {
        let backups = try list(directory: directory)
        let keep = retention.keep(backups.map(\.takenAt))
        var deleted: [String] = []
        for b in backups where !keep.contains(b.takenAt) {
            for path in [b.files.dump, b.files.manifest, b.files.checksums] where FileManager.default.fileExists(atPath: path) {
                try FileManager.default.removeItem(atPath: path)
            }
            deleted.append(b.files.dump)
        }
        return deleted
    }

    /// The complete backups in `directory`, newest first.
    public static func list(directory: String) throws -> [(files: Files, takenAt: Date)] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.compactMap { name -> (Files, Date)? in
            guard name.hasPrefix("roch-"), name.hasSuffix(".dump"), let date = takenAt(fileName: name) else { return nil }
            let files = Files(dump: directory + "/" + name)
            return FileManager.default.fileExists(atPath: files.checksums) ? (files, date) : nil
        }.sorted { $0.1 > $1.1 }
    }

    static let stampFormat: DateFormatter = {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return f
    }()

    /// `roch-20261204T020000Z.dump` (or `...Z-2.dump` for a second backup in the same second) → its time.
    static func takenAt(fileName: String) -> Date? {
        let stamp = fileName.dropFirst(5).prefix(16)
        guard let date = stampFormat.date(from: String(stamp)) else { return nil }
        // later backups of the same second sort after the first
        let suffix = fileName.dropFirst(5 + 16).dropLast(5)
        return date.addingTimeInterval((suffix.hasPrefix("-") ? Double(suffix.dropFirst()) ?? 0 : 0) / 1000)
    }

    static func freshDumpPath(in directory: String, at now: Date) -> String {
        let stem = directory + "/roch-" + stampFormat.string(from: now)
        var path = stem + ".dump"
        var n = 1
        while FileManager.default.fileExists(atPath: path) || FileManager.default.fileExists(atPath: path + ".partial") {
            n += 1
            path = "\(stem)-\(n).dump"
        }
        return path
    }
}

/// Which release is running: ROCH_VERSION, the VERSION file install.sh writes next to the
/// binaries' folder, or the git commit of a development checkout.
public enum ReleaseVersion {
    public static func current(environment: [String: String]) -> String {
        if let v = environment["ROCH_VERSION"], !v.isEmpty { return v }
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<3 {
            if let text = try? String(contentsOfFile: dir.appendingPathComponent("VERSION").path, encoding: .utf8) {
                return text.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            dir.deleteLastPathComponent()
        }
        if let head = try? String(contentsOfFile: ".git/HEAD", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines) {
            if head.hasPrefix("ref: "), let commit = try? String(contentsOfFile: ".git/" + head.dropFirst(5), encoding: .utf8) {
                return "git " + String(commit.prefix(12))
            }
            return "git " + String(head.prefix(12))
        }
        return "unknown"
    }
}

import Foundation

/// Applies `db/migrations/NNNN_name.sql` files in order, each in its own transaction, under an
/// advisory lock so that two processes migrating at once apply every file exactly once.
public struct Migrator: Sendable {
    /// One migration file.
    public struct Migration: Sendable, Equatable {
        public var version: String
        public var name: String
        public var path: String
        public var sql: String
        public var checksum: String
    }

    /// What `roch migrate --status` shows for one file.
    public struct Status: Sendable, Equatable {
        public var version: String
        public var name: String
        public var appliedAt: Date?
        /// True when the file changed after it was applied.
        public var changedSinceApplied: Bool
    }

    public struct MigrationError: Error, CustomStringConvertible {
        public var file: String
        public var underlying: PostgresError
        public var description: String { "\(file): \(underlying.message)\(underlying.detail.map { " (\($0))" } ?? "") — nothing from this file was applied" }
    }

    public struct LayoutError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Arbitrary constant: the advisory-lock key all migrators agree on.
    static let lockKey: Int64 = 0x526F_6368_4D69_67

    public let migrations: [Migration]

    public init(migrations: [Migration]) { self.migrations = migrations }

    /// Reads every `NNNN_name.sql` file of `directory`, sorted by version; duplicate versions are an error.
    public init(directory: String) throws {
        let files: [String]
        do {
            files = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw LayoutError(description: "cannot read migrations directory \(directory): \(error.localizedDescription)")
        }
        var seen: [String: String] = [:]
        var list: [Migration] = []
        for file in files.sorted() where file.hasSuffix(".sql") {
            let stem = String(file.dropLast(4))
            let parts = stem.split(separator: "_", maxSplits: 1)
            guard parts.count == 2, parts[0].count == 4, parts[0].allSatisfy(\.isNumber) else {
                throw LayoutError(description: "\(directory)/\(file): migration files are named NNNN_name.sql")
            }
            let version = String(parts[0])
            if let other = seen[version] {
                throw LayoutError(description: "\(directory)/\(file): version \(version) is also used by \(other)")
            }
            seen[version] = file
            let path = "\(directory)/\(file)"
            let sql = try String(contentsOfFile: path, encoding: .utf8)
            list.append(Migration(version: version, name: String(parts[1]), path: path, sql: sql,
                                  checksum: Self.checksum(sql)))
        }
        migrations = list
    }

    /// Applies what is pending and returns the versions it applied (empty when up to date).
    @discardableResult
    public func migrate(_ connection: Connection) throws -> [Migration] {
        try connection.execute("SELECT pg_advisory_lock($1)", Self.lockKey)
        defer { _ = try? connection.execute("SELECT pg_advisory_unlock($1)", Self.lockKey) }
        try ensureTable(connection)
        let applied = try appliedVersions(connection)
        var done: [Migration] = []
        for m in migrations where applied[m.version] == nil {
            do {
                try connection.transaction { c in
                    try c.executeScript(m.sql)
                    try c.execute("INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
                                  m.version, m.name, m.checksum)
                }
            } catch let error as PostgresError {
                throw MigrationError(file: m.path, underlying: error)
            }
            done.append(m)
        }
        return done
    }

    public func status(_ connection: Connection) throws -> [Status] {
        try ensureTable(connection)
        let applied = try appliedVersions(connection)
        return migrations.map { m in
            let a = applied[m.version]
            return Status(version: m.version, name: m.name, appliedAt: a?.at,
                          changedSinceApplied: a.map { $0.checksum != m.checksum } ?? false)
        }
    }

    /// The migrations not yet applied (empty means the schema is current).
    public func pending(_ connection: Connection) throws -> [Migration] {
        let applied = try appliedVersionsIfTableExists(connection)
        return migrations.filter { applied[$0.version] == nil }
    }

    private func ensureTable(_ c: Connection) throws {
        try c.execute("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version text PRIMARY KEY,
                name text NOT NULL,
                checksum text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """)
    }

    private func appliedVersionsIfTableExists(_ c: Connection) throws -> [String: (at: Date, checksum: String)] {
        let exists: Bool = try c.query("SELECT to_regclass('schema_migrations') IS NOT NULL AS e").first!.decode("e")
        return exists ? try appliedVersions(c) : [:]
    }

    private func appliedVersions(_ c: Connection) throws -> [String: (at: Date, checksum: String)] {
        var out: [String: (at: Date, checksum: String)] = [:]
        for row in try c.query("SELECT version, checksum, applied_at FROM schema_migrations") {
            out[try row.decode("version")] = (try row.decode("applied_at"), try row.decode("checksum"))
        }
        return out
    }

    /// FNV-1a 64: enough to notice an edited migration file (not a security measure).
    static func checksum(_ text: String) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in text.utf8 { h ^= UInt64(b); h = h &* 0x100_0000_01b3 }
        return String(h, radix: 16)
    }
}

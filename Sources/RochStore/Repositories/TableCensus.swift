import Foundation

/// Every table of the application's schema with its row count and a checksum of its contents: what a
/// backup's manifest records and what a restore drill compares between two databases.
public enum TableCensus {
    /// One table: its rows and the MD5 of all its rows as text, in text order (independent of
    /// physical order, so a restored copy has the same checksum as its original).
    public struct Entry: Sendable, Codable, Equatable {
        public var rows: Int64
        public var md5: String
    }

    /// The ordinary tables of the public schema, by name.
    public static func tables(_ c: Connection) throws -> [String] {
        try c.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
            .map { try $0.decode("tablename") }
    }

    /// Row counts of every table (cheap enough for the manifest of a nightly backup).
    public static func rowCounts(_ c: Connection) throws -> [String: Int64] {
        var out: [String: Int64] = [:]
        for t in try tables(c) {
            out[t] = try c.query("SELECT count(*) AS n FROM \(quoted(t))").first!.decode("n")
        }
        return out
    }

    /// Row count and content checksum of every table (reads every row: for drills and tests).
    public static func fingerprints(_ c: Connection) throws -> [String: Entry] {
        var out: [String: Entry] = [:]
        for t in try tables(c) {
            let row = try c.query("""
                SELECT count(*) AS n, md5(coalesce(string_agg(r::text, E'\\n' ORDER BY r::text COLLATE "C"), '')) AS h
                FROM \(quoted(t)) r
                """).first!
            out[t] = Entry(rows: try row.decode("n"), md5: try row.decode("h"))
        }
        return out
    }

    /// Applied migrations, newest last (empty before the first `roch migrate`).
    public static func migrationVersions(_ c: Connection) throws -> [String] {
        let exists: Bool = try c.query("SELECT to_regclass('schema_migrations') IS NOT NULL AS e").first!.decode("e")
        guard exists else { return [] }
        return try c.query("SELECT version || '_' || name AS v FROM schema_migrations ORDER BY version").map { try $0.decode("v") }
    }

    /// Whether the database holds any table of its own (a restore refuses to overwrite one that does).
    public static func isEmpty(_ c: Connection) throws -> Bool {
        try c.query("SELECT count(*) AS n FROM pg_tables WHERE schemaname = 'public'").first!.decode("n", as: Int64.self) == 0
    }

    /// Drops everything in the public schema (`roch restore --force`).
    public static func dropPublicSchema(_ c: Connection) throws {
        try c.executeScript("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    }

    /// Creates an empty database on the connected server; fails if the name is taken.
    public static func createDatabase(_ c: Connection, name: String) throws {
        try c.execute("CREATE DATABASE \(quoted(name))")
    }

    /// Exports the transaction's snapshot and returns its identifier, so pg_dump sees exactly what the manifest counted.
    public static func exportSnapshot(_ c: Connection) throws -> String {
        try c.query("SELECT pg_export_snapshot() AS s").first!.decode("s")
    }

    /// The server's major version (17 for 17.2): picks the matching pg_dump.
    public static func serverMajorVersion(_ c: Connection) throws -> Int {
        let n: String = try c.query("SHOW server_version_num").first!.decode("server_version_num")
        return (Int(n) ?? 0) / 10_000
    }

    static func quoted(_ identifier: String) -> String {
        "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

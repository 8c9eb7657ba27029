import Foundation
import NIOConcurrencyHelpers
import RochStore

/// Fresh, migrated databases for tests, on the PostgreSQL that `make test` started (DATABASE_URL).
/// Each call returns a new database cloned from a migrated template, so tests never share state.
public enum TestDatabase {
    public struct NotConfigured: Error, CustomStringConvertible {
        public var description: String { "DATABASE_URL is not set: run the tests with `make test`, which starts a throwaway PostgreSQL" }
    }

    /// Whether the template database is migrated; its lock also serialises cloning the template.
    private static let templateReady = NIOLockedValueBox(false)

    /// The server's URL from the environment.
    public static func serverURL() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["DATABASE_URL"], !url.isEmpty else { throw NotConfigured() }
        return url
    }

    /// The repository's migrations directory (found from this source file's location).
    public static var migrationsDirectory: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("db/migrations").path
    }

    /// Creates an empty database (no migrations) and returns its URL.
    public static func makeEmpty(prefix: String = "t") throws -> String {
        let server = try serverURL()
        let name = "\(prefix)_\(UUID().uuidString.prefix(12).lowercased().replacingOccurrences(of: "-", with: ""))"
        let admin = try Connection(url: server)
        try admin.execute("CREATE DATABASE \(name)")
        return url(server, database: name)
    }

    /// Creates a database with every migration applied and returns its URL.
    public static func makeMigrated() throws -> String {
        let server = try serverURL()
        let template = "roch_test_template"
        try templateReady.withLockedValue { templateReady in
            if templateReady { return }
            let admin = try Connection(url: server)
            try admin.execute("DROP DATABASE IF EXISTS \(template)")
            try admin.execute("CREATE DATABASE \(template)")
            let connection = try Connection(url: url(server, database: template))
            try Migrator(directory: migrationsDirectory).migrate(connection)
            templateReady = true
        }
        let name = "t_\(UUID().uuidString.prefix(12).lowercased().replacingOccurrences(of: "-", with: ""))"
        // CREATE DATABASE ... TEMPLATE needs the template to have no other sessions: serialise.
        try templateReady.withLockedValue { _ in
            let admin = try Connection(url: server)
            try admin.execute("CREATE DATABASE \(name) TEMPLATE \(template)")
        }
        return url(server, database: name)
    }

    /// `makeMigrated()` for async tests: creating a database blocks for a while, so it runs on a thread
    /// of its own instead of one of the few cooperative threads every other test needs.
    public static func makeMigrated() async throws -> String {
        try await offPool { try makeMigrated() }
    }

    /// `makeEmpty()` for async tests (see `makeMigrated()`).
    public static func makeEmpty(prefix: String = "t") async throws -> String {
        try await offPool { try makeEmpty(prefix: prefix) }
    }

    /// Runs blocking set-up work on a new thread and awaits it.
    public static func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }

    /// The same server URL pointing at another database (URL or keyword/value form).
    public static func url(_ server: String, database: String) -> String {
        if var c = URLComponents(string: server), c.scheme?.hasPrefix("postgres") == true {
            c.path = "/" + database
            return c.string ?? server
        }
        return server + " dbname=\(database)"
    }
}

import Foundation
import RochStore

/// What a function needs from its process: configuration and the database. Made once per process,
/// so a persistent FastCGI responder shares one connection pool across all its requests.
public final class AppContext: Sendable {
    public let configuration: Configuration
    public let database: Database
    /// Where the migration files are (for health's "migrations current" check).
    public let migrationsDirectory: String

    public init(configuration: Configuration, database: Database, migrationsDirectory: String) {
        self.configuration = configuration
        self.database = database
        self.migrationsDirectory = migrationsDirectory
    }

    /// Reads the environment (and `.env`), failing with every configuration problem at once.
    /// `poolSize` 1 suits CGI (one request per process); long-running runtimes pass more.
    public static func fromEnvironment(poolSize: Int = 1) throws -> AppContext {
        let env = EnvironmentFile.merged(with: ProcessInfo.processInfo.environment)
        let configuration = try Configuration(environment: env)
        return AppContext(configuration: configuration,
                          database: Database(url: configuration.databaseURL, maxConnections: poolSize),
                          migrationsDirectory: env["ROCH_MIGRATIONS_DIR"] ?? defaultMigrationsDirectory())
    }

    /// `db/migrations` next to the working directory, or next to the executable's checkout.
    static func defaultMigrationsDirectory() -> String {
        let cwd = FileManager.default.currentDirectoryPath + "/db/migrations"
        if FileManager.default.fileExists(atPath: cwd) { return cwd }
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            let candidate = dir.appendingPathComponent("db/migrations").path
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
            dir.deleteLastPathComponent()
        }
        return cwd
    }
}

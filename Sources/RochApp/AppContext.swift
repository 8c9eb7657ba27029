import Foundation
import NIOConcurrencyHelpers
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

    private static let sharedContext = NIOLockedValueBox<AppContext?>(nil)

    /// The process's context, made on first use: a FastCGI responder (or `roch serve --in-process`)
    /// shares one connection pool across every request and function. Connections and database
    /// threads open on demand, so a CGI process pays for one of each. Pool size: ROCH_DB_POOL (16).
    public static func shared() throws -> AppContext {
        try sharedContext.withLockedValue { sharedContext in
            if let c = sharedContext { return c }
            let size = ProcessInfo.processInfo.environment["ROCH_DB_POOL"].flatMap(Int.init) ?? 16
            let c = try fromEnvironment(poolSize: max(1, size))
            sharedContext = c
            return c
        }
    }

    /// Reads the environment (and `.env`), failing with every configuration problem at once.
    /// `poolSize` 1 suits CGI (one request per process); long-running runtimes pass more.
    public static func fromEnvironment(poolSize: Int = 1) throws -> AppContext {
        let env = environment()
        let configuration = try Configuration(environment: env)
        return AppContext(configuration: configuration,
                          database: Database(url: configuration.databaseURL, maxConnections: poolSize),
                          migrationsDirectory: env["ROCH_MIGRATIONS_DIR"] ?? defaultMigrationsDirectory())
    }

    /// The process environment over the settings files: `ROCH_ENV_FILE` (default /etc/roch/roch.env),
    /// then `.env` in the working directory. fcgiwrap hands its own environment to the functions it
    /// starts, but other CGI servers (Apache mod_cgi, lighttpd) pass only the request's variables:
    /// there a deployment keeps its settings in the file (mode 0640).
    public static func environment() -> [String: String] {
        let process = ProcessInfo.processInfo.environment
        let settings = process["ROCH_ENV_FILE"] ?? "/etc/roch/roch.env"
        return EnvironmentFile.merged(with: EnvironmentFile.merged(with: process, path: ".env"), path: settings)
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

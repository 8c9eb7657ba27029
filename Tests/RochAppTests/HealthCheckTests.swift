import Foundation
import RochApp
import RochStore
import RochTestSupport
import Testing

@Suite struct HealthCheckTests {
    @Test func aMigratedDatabaseIsHealthy() async throws {
        let connection = try Connection(url: try await TestDatabase.makeMigrated())
        let report = HealthCheck.run(connection, migrationsDirectory: TestDatabase.migrationsDirectory)
        #expect(report.isHealthy)
        #expect(report.database == "ok")
        #expect(report.migrationsPending.isEmpty)
        #expect(report.migrationsApplied == (try Migrator(directory: TestDatabase.migrationsDirectory).migrations.count))
    }

    @Test func pendingMigrationsAreNamedAndMakeItUnhealthy() async throws {
        let connection = try Connection(url: try await TestDatabase.makeEmpty())
        let report = HealthCheck.run(connection, migrationsDirectory: TestDatabase.migrationsDirectory)
        #expect(!report.isHealthy)
        #expect(report.database == "ok")
        #expect(report.migrationsPending.first == "0001_foundation")
    }

    @Test func anUnreachableDatabaseIsReportedNotThrown() async throws {
        let db = Database(url: "postgresql://nobody@127.0.0.1:1/none?connect_timeout=2", maxConnections: 1)
        let configuration = try Configuration(environment: ["DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"])
        let report = await HealthCheck.run(AppContext(configuration: configuration, database: db,
                                                      migrationsDirectory: TestDatabase.migrationsDirectory))
        #expect(!report.isHealthy)
        #expect(report.database.contains("cannot connect"))
    }
}

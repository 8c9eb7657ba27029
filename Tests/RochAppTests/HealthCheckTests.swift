import Foundation
import RochApp
import RochHTTP
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

    // The public answer is the status only; what failed is for operators (`roch doctor` prints `lines`).

    @Test func aHealthyAnswerIsTheStatusAlone() async throws {
        let connection = try Connection(url: try await TestDatabase.makeMigrated())
        let response = try HealthStatus.response(for: HealthCheck.run(connection, migrationsDirectory: TestDatabase.migrationsDirectory))
        #expect(response.status == 200)
        #expect(String(decoding: response.bodyBytes, as: UTF8.self) == #"{"status":"ok"}"#)
        #expect(response.headers["cache-control"] == "no-store")
    }

    @Test func anUnreachableDatabasesErrorReachesDoctorsLinesButNotThePublicAnswer() async throws {
        let db = Database(url: "postgresql://nobody@127.0.0.1:1/none?connect_timeout=2", maxConnections: 1)
        let configuration = try Configuration(environment: ["DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"])
        let report = await HealthCheck.run(AppContext(configuration: configuration, database: db,
                                                      migrationsDirectory: TestDatabase.migrationsDirectory))
        let details = report.lines.joined(separator: "\n")
        #expect(details.contains("cannot connect"))
        #expect(details.contains("127.0.0.1"))
        let response = try HealthStatus.response(for: report)
        let body = String(decoding: response.bodyBytes, as: UTF8.self)
        #expect(response.status == 503)
        #expect(!body.contains("cannot connect") && !body.contains("127.0.0.1") && !body.contains("nobody"))
        #expect(!body.contains(report.database))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(response.bodyBytes)) as? [String: String])
        #expect(Set(json.keys) == ["status", "message"])
        #expect(json["status"] == "unhealthy")
    }

    @Test func pendingMigrationsAreNamedToOperatorsOnly() async throws {
        let connection = try Connection(url: try await TestDatabase.makeEmpty())
        let report = HealthCheck.run(connection, migrationsDirectory: TestDatabase.migrationsDirectory)
        #expect(report.lines.contains { $0.hasPrefix("migrations: pending 0001_foundation") && $0.hasSuffix("run `roch migrate`") })
        let response = try HealthStatus.response(for: report)
        #expect(response.status == 503)
        #expect(!String(decoding: response.bodyBytes, as: UTF8.self).contains("0001"))
    }
}

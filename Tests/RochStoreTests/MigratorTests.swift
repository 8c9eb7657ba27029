import Foundation
import RochStore
import RochTestSupport
import Testing

@Suite struct MigratorTests {
    func tempDir(_ files: [String: String]) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mig-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for (name, sql) in files { try sql.write(toFile: "\(dir)/\(name)", atomically: true, encoding: .utf8) }
        return dir
    }

    @Test func theRepositoryMigrationsApplyFreshAndReapplyIsANoOp() throws {
        let c = try Connection(url: try TestDatabase.makeEmpty())
        let migrator = try Migrator(directory: TestDatabase.migrationsDirectory)
        #expect(migrator.migrations.count >= 2)
        let first = try migrator.migrate(c)
        #expect(first.map(\.version) == migrator.migrations.map(\.version))
        #expect(try migrator.migrate(c).isEmpty)
        #expect(try migrator.pending(c).isEmpty)
        #expect(try migrator.status(c).allSatisfy { $0.appliedAt != nil && !$0.changedSinceApplied })
    }

    @Test func twoConcurrentMigrationsApplyEachFileOnce() async throws {
        let url = try await TestDatabase.makeEmpty()
        // a migration that fails if it ever runs twice (CREATE TABLE without IF NOT EXISTS)
        let dir = try tempDir([
            "0001_a.sql": "CREATE TABLE a (id int); SELECT pg_sleep(0.2);",
            "0002_b.sql": "CREATE TABLE b (id int); INSERT INTO b VALUES (1);",
        ])
        let migrator = try Migrator(directory: dir)
        let results = try await withThrowingTaskGroup(of: [String].self) { group in
            for _ in 0..<2 {
                group.addTask {
                    let c = try Connection(url: url)
                    return try migrator.migrate(c).map(\.version)
                }
            }
            return try await group.reduce(into: [[String]]()) { $0.append($1) }
        }
        #expect(results.flatMap { $0 }.sorted() == ["0001", "0002"])
        let c = try Connection(url: url)
        #expect(try c.query("SELECT count(*) AS n FROM b").first!.decode("n") == Int64(1))
        #expect(try c.query("SELECT count(*) AS n FROM schema_migrations").first!.decode("n") == Int64(2))
    }

    @Test func aBrokenMigrationRollsBackCleanlyAndNamesTheFile() throws {
        let url = try TestDatabase.makeEmpty()
        let dir = try tempDir([
            "0001_ok.sql": "CREATE TABLE ok (id int);",
            "0002_broken.sql": "CREATE TABLE half (id int); INSERT INTO nowhere VALUES (1);",
        ])
        let c = try Connection(url: url)
        do {
            try Migrator(directory: dir).migrate(c)
            Issue.record("expected the broken migration to fail")
        } catch let e as Migrator.MigrationError {
            #expect(e.file.hasSuffix("0002_broken.sql"))
            #expect(e.description.contains("nowhere"))
            #expect(e.underlying.kind == .undefinedTable)
        }
        // 0001 stays applied; nothing of 0002 exists
        #expect(try c.query("SELECT to_regclass('ok') IS NOT NULL AS e").first!.decode("e") == true)
        #expect(try c.query("SELECT to_regclass('half') IS NOT NULL AS e").first!.decode("e") == false)
        #expect(try c.query("SELECT array_agg(version ORDER BY version) AS v FROM schema_migrations").first!.decode("v") == ["0001"])
    }

    @Test func badFileNamesAndDuplicateVersionsAreRefused() throws {
        #expect(throws: Migrator.LayoutError.self) { try Migrator(directory: try tempDir(["1_x.sql": ""])) }
        #expect(throws: Migrator.LayoutError.self) {
            try Migrator(directory: try tempDir(["0001_x.sql": "", "0001_y.sql": ""]))
        }
    }
}

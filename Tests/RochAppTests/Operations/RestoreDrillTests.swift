import Foundation
import RochApp
import RochCore
import RochStore
import RochTestSupport
import Testing

/// The restore drill of README "Backups and the restore drill": seed, back up, restore into a new
/// database, compare every table, and prove the restored copy sends nothing until resumed.
@Suite(.serialized) struct RestoreDrillTests {
    @Test func aRestoredCopyHoldsEveryRowOfTheBackupAndSendsNothingUntilTheOutboxIsResumed() async throws {
        let kit = try await NotificationKit.make()
        defer { kit.shutdown() }
        let original = kit.context.configuration.databaseURL
        try await kit.sync { c in _ = try DemoData.load(into: c) }
        _ = try await kit.booking(phone: "9988776655", name: "Meera Nair")
        let queued = try await kit.count("SELECT count(*) AS n FROM notifications WHERE status = 'queued' AND channel = 'whatsapp'")
        #expect(queued > 0, "the drill needs messages waiting in the outbox")

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("roch-drill-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let env = ProcessInfo.processInfo.environment
        let backup = try await offThePool { try Backup.run(databaseURL: original, directory: folder, environment: env) }
        let name = "drill_" + UUID().uuidString.prefix(8).lowercased()
        let restored = try await offThePool {
            try Restore.run(.init(dump: backup.files.dump, databaseURL: original, intoNewDatabase: name,
                                  migrationsDirectory: TestDatabase.migrationsDirectory, environment: env))
        }
        #expect(restored.outboxPaused)
        #expect(DatabaseURL.databaseName(restored.databaseURL) == name)

        // Every table: same rows, same contents (the switch that pauses the outbox is the one difference).
        let before = try await offThePool { try TableCensus.fingerprints(Connection(url: original)) }
        let after = try await offThePool { try TableCensus.fingerprints(Connection(url: restored.databaseURL)) }
        #expect(Set(before.keys) == Set(after.keys))
        #expect(before.keys.count >= 20)
        for table in before.keys.sorted() where table != "operator_settings" {
            #expect(before[table] == after[table], "table \(table) differs after the restore")
        }
        #expect(backup.manifest.tables == before.mapValues(\.rows))
        #expect(backup.manifest.migrationLevel == restored.manifest?.migrationLevel)
        #expect(backup.manifest.tables["bookings"] ?? 0 >= 2)

        // A worker pointed at the restored copy sends nothing and runs no job while paused ...
        var configuration = kit.context.configuration
        configuration.databaseURL = restored.databaseURL
        let copy = AppContext(configuration: configuration, database: Database(url: restored.databaseURL, maxConnections: 4),
                              migrationsDirectory: TestDatabase.migrationsDirectory)
        defer { copy.database.shutdown() }
        let worker = Worker(context: copy, options: NotificationKit.options())
        let paused = try await worker.runUntilIdle()
        #expect(paused.paused && paused.claimed == 0 && paused.jobsRun == 0)
        #expect(kit.fake.sendAttempts == 0)
        let stillQueued: Int64 = try await copy.database.withConnection {
            try $0.query("SELECT count(*) AS n FROM notifications WHERE status = 'queued' AND channel = 'whatsapp'").first!.decode("n")
        }
        #expect(stillQueued == queued)

        // ... and sends the queue once an operator resumes it.
        try await copy.database.withConnection { try OperatorSettings.setOutboxPaused($0, false, changedBy: "drill") }
        let resumed = try await worker.runUntilIdle()
        #expect(!resumed.paused)
        #expect(resumed.sent >= Int(queued))
        #expect(kit.fake.acceptedMessages.count >= Int(queued))
    }

    @Test func restoreRefusesANonEmptyDatabaseWithoutForceAndADamagedDump() async throws {
        let context = try await TestApp.context()
        defer { context.database.shutdown() }
        let url = context.configuration.databaseURL
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("roch-drill-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let env = ProcessInfo.processInfo.environment
        let backup = try await offThePool { try Backup.run(databaseURL: url, directory: folder, environment: env) }
        let options = Restore.Options(dump: backup.files.dump, databaseURL: url, migrationsDirectory: TestDatabase.migrationsDirectory,
                                      environment: env)
        let refusal = await #expect(throws: Restore.Refusal.self) { try await offThePool { try Restore.run(options) } }
        #expect(refusal?.description.contains("not empty") == true)

        var forced = options
        forced.force = true
        let result = try await offThePool { try Restore.run(forced) }
        #expect(result.outboxPaused)

        // One flipped byte: the checksum no longer matches and nothing is restored.
        var bytes = try Data(contentsOf: URL(fileURLWithPath: backup.files.dump))
        bytes[bytes.count / 2] ^= 0xFF
        try bytes.write(to: URL(fileURLWithPath: backup.files.dump))
        let damaged = await #expect(throws: Restore.Refusal.self) {
            try await offThePool { try Restore.run(.init(dump: backup.files.dump, databaseURL: url, intoNewDatabase: "never_made",
                                                         migrationsDirectory: TestDatabase.migrationsDirectory, environment: env)) }
        }
        #expect(damaged?.description.contains("checksum") == true)
    }

    @Test func backupsOfTheSameSecondGetTheirOwnFilesAndRetentionKeepsTheNewest() async throws {
        let context = try await TestApp.context()
        defer { context.database.shutdown() }
        let url = context.configuration.databaseURL
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("roch-drill-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let env = ProcessInfo.processInfo.environment
        let day: TimeInterval = 86_400
        let start = Date(timeIntervalSince1970: 1_796_000_000)
        var taken: [String] = []
        for i in 0..<3 {
            taken.append(try await offThePool { try Backup.run(databaseURL: url, directory: folder, environment: env, now: start.addingTimeInterval(Double(i) * day)) }.files.dump)
        }
        let again = try await offThePool { try Backup.run(databaseURL: url, directory: folder, environment: env, now: start.addingTimeInterval(2 * day)) }
        #expect(again.files.dump != taken[2])
        let pruned = try Backup.prune(directory: folder, keeping: BackupRetention(daily: 2, weekly: 0))
        // the newest of the last two days stay; the first day's backup and the earlier one of the last day go
        #expect(Set(pruned) == [taken[0], taken[2]])
        #expect(try Backup.list(directory: folder).map(\.files.dump) == [again.files.dump, taken[1]])
    }
}

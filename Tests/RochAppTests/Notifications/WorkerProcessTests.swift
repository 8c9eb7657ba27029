import Foundation
import RochApp
import RochCore
import RochStore
import RochTestSupport
import Testing

/// `roch worker` as a real process: killed with SIGKILL mid-batch, stopped with SIGTERM.
@Suite(.serialized) struct WorkerProcessTests {
    static var rochBinary: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug/roch").path
    }

    func startWorker(_ kit: NotificationKit, rate: Int, lease: Int = 300) throws -> Process {
        guard FileManager.default.isExecutableFile(atPath: Self.rochBinary) else {
            throw KitError("\(Self.rochBinary) is missing: run `swift build` first")
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.rochBinary)
        p.arguments = ["worker", "--connections", "8"]
        p.currentDirectoryURL = FileManager.default.temporaryDirectory
        p.environment = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "DATABASE_URL": kit.context.configuration.databaseURL, "SITE_URL": "https://rochevents.test",
            "WHATSAPP_ACCESS_TOKEN": NotificationKit.accessToken, "WHATSAPP_PHONE_NUMBER_ID": NotificationKit.phoneNumberID,
            "WHATSAPP_APP_SECRET": NotificationKit.appSecret, "WHATSAPP_VERIFY_TOKEN": NotificationKit.verifyToken,
            "WHATSAPP_API_BASE": kit.fake.apiBase, "WHATSAPP_RATE_LIMIT": String(rate),
            "WORKER_LEASE_SECONDS": String(lease), "WORKER_BATCH_SIZE": "16", "WORKER_POLL_SECONDS": "0.2",
        ]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        return p
    }

    func queue(_ kit: NotificationKit, _ count: Int, prefix: String) async throws {
        let booking = try await kit.booking()
        try await kit.sync { c in
            try c.execute("UPDATE notifications SET status = 'cancelled' WHERE status = 'queued'")  // only ours below
            _ = try OutboxRepository.enqueue(c, (0..<count).map { i in
                OutboxMessage(idempotencyKey: "\(prefix):\(i)", moment: .eventCompleted, bookingID: booking.id, recipientRole: .client,
                              recipientName: "Guest \(i)", channel: .whatsapp, address: "+91\(prefix)\(String(format: "%05d", i))",
                              parameters: ["client_name": "Guest \(i)", "event_type": "Reception", "review_link": "https://r.test/"])
            })
        }
    }

    /// Waits for the process without blocking a thread of Swift's small cooperative pool
    /// (the fakes of every suite run their handlers there).
    func exited(_ p: Process) async {
        while p.isRunning { try? await Task.sleep(for: .milliseconds(20)) }
    }

    func waitUntil(timeout: TimeInterval, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return try await condition()
    }

    @Test func aWorkerKilledMidBatchLosesNoMessageAndSendsEachAtMostTwice() async throws {
        let kit = try await NotificationKit.make()
        defer { kit.shutdown() }
        try await queue(kit, 400, prefix: "98765")
        let doomed = try startWorker(kit, rate: 200, lease: 2)
        _ = try await waitUntil(timeout: 60) { kit.fake.acceptedMessages.count >= 100 }
        kill(doomed.processIdentifier, SIGKILL)
        await exited(doomed)
        #expect(doomed.terminationReason == .uncaughtSignal)
        let inFlight = try await kit.count("SELECT count(*) AS n FROM notifications WHERE status = 'sending'")
        let sentBeforeKill = try await kit.count("SELECT count(*) AS n FROM notifications WHERE status = 'sent'")
        #expect(sentBeforeKill < 400)

        let survivor = try startWorker(kit, rate: 2_000, lease: 2)
        let done = try await waitUntil(timeout: 120) {
            try await kit.count("SELECT count(*) AS n FROM notifications WHERE status = 'sent' AND idempotency_key LIKE '98765:%'") == 400
        }
        kill(survivor.processIdentifier, SIGTERM)
        await exited(survivor)
        #expect(done)
        #expect(survivor.terminationStatus == 0)

        var perAddress: [String: Int] = [:]
        for m in kit.fake.acceptedMessages where m.template == "event_completed_client" { perAddress[m.to, default: 0] += 1 }
        let duplicated = perAddress.values.filter { $0 == 2 }.count
        print("crash test: killed with \(sentBeforeKill) sent and \(inFlight) in flight; 400 messages, \(perAddress.count) reached the API, \(duplicated) twice, \(perAddress.values.filter { $0 > 2 }.count) more than twice")
        #expect(perAddress.count == 400)
        #expect(perAddress.values.allSatisfy { $0 <= 2 })
        // every row records a message id the API really issued for its recipient
        let recorded = try await kit.sync { c in
            try c.query("SELECT address, provider_message_id FROM notifications WHERE idempotency_key LIKE '98765:%'").map {
                (try $0.decode("address", as: String.self), try $0.decode("provider_message_id", as: String.self))
            }
        }
        let issued = Set(kit.fake.acceptedMessages.map { "\($0.to) \($0.wamid)" })
        #expect(recorded.allSatisfy { issued.contains("\($0.0) \($0.1)") })
    }

    @Test func sigtermFinishesTheBatchInHandThenExits() async throws {
        let kit = try await NotificationKit.make()
        defer { kit.shutdown() }
        try await queue(kit, 200, prefix: "98766")
        let worker = try startWorker(kit, rate: 40)
        _ = try await waitUntil(timeout: 60) { kit.fake.acceptedMessages.count >= 1 }
        kill(worker.processIdentifier, SIGTERM)
        await exited(worker)
        #expect(worker.terminationStatus == 0)
        let sent = try await kit.count("SELECT count(*) AS n FROM notifications WHERE status = 'sent' AND idempotency_key LIKE '98766:%'")
        #expect(try await kit.count("SELECT count(*) AS n FROM notifications WHERE status = 'sending'") == 0)
        #expect(sent >= 1 && sent < 200)  // it stopped early, with nothing half done
        #expect(Int(sent) == kit.fake.acceptedMessages.filter { $0.template == "event_completed_client" }.count)
    }
}

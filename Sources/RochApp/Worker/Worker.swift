import Foundation
import RochCore
import RochHTTP
import RochIntegrations
import RochStore

/// `roch worker`: sends the outbox (WhatsApp, email) and runs jobs. Any number of workers on any
/// number of hosts share the tables: rows are claimed with `FOR UPDATE SKIP LOCKED`, marked
/// `sending` with attempts + 1 in the claiming statement, and handed back to the queue when their
/// worker disappears (lease). Wakes on NOTIFY outbox, polls as a fallback; on stop it finishes the
/// batch in hand and returns.
public final class Worker: @unchecked Sendable {
    /// What one pass did (for tests, the bench and logs).
    public struct Pass: Sendable, Equatable {
        public var claimed = 0
        public var sent = 0
        public var retried = 0
        public var failed = 0
        public var skipped = 0
        /// WhatsApp messages held because Meta has not approved their template.
        public var held = 0
        public var jobsRun = 0
        public var released = 0
        /// Messages dead-lettered because their lease expired WORKER_MAX_LEASES times.
        public var deadLettered = 0
        public var stale = 0
        /// Webhook deliveries deleted by the retention rules.
        public var prunedDeliveries = 0
        /// The outbox is paused (`roch outbox resume`): nothing was claimed.
        public var paused = false
        public var isIdle: Bool { claimed == 0 && jobsRun == 0 }

        public init() {}

        /// Adds another pass's counts to this one.
        public mutating func add(_ p: Pass) {
            claimed += p.claimed; sent += p.sent; retried += p.retried; failed += p.failed
            skipped += p.skipped; held += p.held; jobsRun += p.jobsRun; released += p.released; stale += p.stale
            deadLettered += p.deadLettered; prunedDeliveries += p.prunedDeliveries
            paused = paused || p.paused
        }
    }

    public let context: AppContext
    public let options: WorkerOptions
    let delivery: Delivery
    let links: PortalLinkMinting
    let alerts: DeliveryAlerts
    let handlers: [String: any JobHandler]
    private let wakeup = Wakeup()
    private let lock = NSLock()
    private var stopping = false
    private var lastHousekeeping = Date.distantPast
    private var lastPrune = Date.distantPast

    /// `whatsApp`/`email` default to what the configuration provides (nil: rows are skipped as not configured).
    public init(context: AppContext, options: WorkerOptions = WorkerOptions(), whatsApp: WhatsAppClient?? = nil,
                email: (any EmailTransport)?? = nil, handlers: [String: any JobHandler] = JobHandlers.all()) {
        self.context = context
        self.options = options
        let config = context.configuration
        let client = whatsApp ?? config.whatsApp.map { wa in
            // The worker retries through the outbox (with backoff, across restarts), not inside the client.
            WhatsAppClient(configuration: .init(apiBase: wa.apiBase, phoneNumberID: wa.phoneNumberID, accessToken: wa.accessToken,
                                                retry: .never))
        }
        let mailer = email ?? EmailTransports.make(config.mail)
        delivery = Delivery(whatsApp: client, email: mailer,
                            rateLimit: options.whatsAppRatePerSecond.map { TokenBucket(ratePerSecond: $0) }, options: options)
        links = PortalLinkMinting(database: context.database, siteURL: config.siteURL)
        alerts = DeliveryAlerts(notifier: BookingNotifier(configuration: config))
        self.handlers = handlers
    }

    public var isStopping: Bool { lock.withLock { stopping } }

    /// Asks the worker to stop after the batch in hand (SIGTERM).
    public func requestStop() {
        lock.withLock { stopping = true }
        wakeup.signal()
    }

    /// Wakes the worker now (NOTIFY outbox).
    public func wake() { wakeup.signal() }

    /// Runs until `requestStop()`: passes back to back while there is work, otherwise waits for a
    /// NOTIFY, the next due row, or the poll interval.
    public func run() async {
        let listener = NotificationListener(url: context.configuration.databaseURL, channels: [OutboxRepository.channel]) { [wakeup] _ in
            wakeup.signal()
        }
        listener.start()
        defer { listener.stop() }
        while !isStopping {
            var pass = Pass()
            do {
                pass = try await runOnce()
            } catch {
                log("worker: pass failed: \(error)")
                await wakeup.wait(timeout: 1)
                continue
            }
            if isStopping { break }
            if pass.paused {
                await wakeup.wait(timeout: options.pollInterval)   // `roch outbox resume` NOTIFYs outbox
                continue
            }
            if pass.claimed >= options.batchSize || pass.jobsRun >= options.jobBatchSize { continue }
            let untilDue = (try? await secondsUntilNextDue()) ?? options.pollInterval
            await wakeup.wait(timeout: min(options.pollInterval, max(0.01, untilDue)))
        }
    }

    /// Passes until one finds nothing due (tests and `roch worker --once`).
    @discardableResult
    public func runUntilIdle(maxPasses: Int = 1_000) async throws -> Pass {
        var total = Pass()
        for _ in 0..<maxPasses {
            let p = try await runOnce()
            total.add(p)
            if p.isIdle || isStopping { break }
        }
        return total
    }

    /// One pass: housekeeping (leases, stale reminders, pruning), one batch of messages, one of jobs.
    public func runOnce() async throws -> Pass {
        var pass = Pass()
        try await housekeeping(&pass)
        // After a restore the outbox stays paused: no message and no job (payment links) until resumed.
        if try await context.database.withConnection({ try OperatorSettings.isOutboxPaused($0) }) {
            pass.paused = true
            return pass
        }
        let options = self.options
        let (batch, approvals) = try await context.database.withConnection { c in
            (try NotificationQueue.claim(c, limit: options.batchSize), WhatsAppTemplateApprovals(statuses: try WhatsAppTemplateRepository.statuses(c)))
        }
        pass.claimed = batch.count
        let outcomes = await withTaskGroup(of: (ClaimedNotification, DeliveryOutcome).self) { group in
            for n in batch {
                group.addTask { [delivery, links] in
                    // A link is minted only for a message this worker can send (else it is skipped).
                    guard delivery.canSend(n.channel) else { return (n, await delivery.deliver(n)) }
                    // A WhatsApp template Meta has not approved (yet) holds the message instead of failing it.
                    if let held = delivery.hold(n, approvals: approvals) { return (n, held) }
                    switch await links.prepare(n) {
                    case .ready(let ready): return (n, await delivery.deliver(ready))
                    case .notSent(let outcome): return (n, outcome)
                    }
                }
            }
            var all: [(ClaimedNotification, DeliveryOutcome)] = []
            for await result in group {
                // Record each outcome as soon as it is known: a crash later in the batch loses nothing sent.
                do { try await record(result.0, result.1) } catch { log("worker: cannot record notification \(result.0.id): \(error)") }
                all.append(result)
            }
            return all
        }
        for (n, outcome) in outcomes {
            switch outcome {
            case .sent: pass.sent += 1
            case .retry: n.attempts >= options.maxAttempts ? (pass.failed += 1) : (pass.retried += 1)
            case .failed: pass.failed += 1
            case .skipped: pass.skipped += 1
            case .held: pass.held += 1
            }
        }
        pass.jobsRun = try await runJobs()
        return pass
    }

    func record(_ n: ClaimedNotification, _ outcome: DeliveryOutcome) async throws {
        let options = self.options
        let alerts = self.alerts
        try await context.database.transaction { c in
            // Not waiting for the WAL flush of each outcome: if PostgreSQL itself crashes, the last
            // outcomes may be lost, their rows return to the queue after the lease and are sent
            // again (a duplicate, never a loss). One fsync per message would cap the worker at the
            // disk's flush rate.
            try c.execute("SET LOCAL synchronous_commit = off")
            switch outcome {
            case .sent(let id):
                if n.channel == "whatsapp" { try WhatsAppInbox.lock(c, wamids: [id]) }
                if try NotificationQueue.markSent(c, n, providerMessageID: id), n.channel == "whatsapp" {
                    // statuses that raced ahead of this row's message id
                    let changes = try WhatsAppInbox.apply(c, wamids: [id])
                    try alerts.raise(c, failedStatuses: changes)
                }
            case .retry(let reason, let minimum):
                if n.attempts >= options.maxAttempts {
                    let final = "gave up after \(n.attempts) attempts: \(reason)"
                    if try NotificationQueue.markFinal(c, n, status: .failed, reason: final) {
                        try alerts.raise(c, bookingID: n.bookingID, moment: n.moment, recipientRole: n.recipientRole,
                                         recipientName: n.recipientName, channel: n.channel, address: n.address,
                                         cause: "gave_up_\(n.channel)", reason: final)
                    }
                } else {
                    try NotificationQueue.markRetry(c, n, reason: reason,
                                                    delay: max(minimum ?? 0, options.backoff(afterAttempt: n.attempts)))
                }
            case .failed(let reason, let cause):
                if try NotificationQueue.markFinal(c, n, status: .failed, reason: reason) {
                    try alerts.raise(c, bookingID: n.bookingID, moment: n.moment, recipientRole: n.recipientRole,
                                     recipientName: n.recipientName, channel: n.channel, address: n.address, cause: cause, reason: reason)
                }
            case .skipped(let reason):
                try NotificationQueue.markFinal(c, n, status: .skipped, reason: reason)
            case .held(let template, let language, let reason):
                // approved meanwhile: straight back to the queue
                if try !WhatsAppTemplateRepository.hold(c, notificationID: n.id, attempts: n.attempts, template: template,
                                                        language: language, reason: reason) {
                    try NotificationQueue.markRetry(c, n, reason: "template \(template) approved while the message was held", delay: 0)
                }
            }
        }
        await trace(n, outcome)
    }

    func housekeeping(_ pass: inout Pass) async throws {
        let now = Date()
        guard now.timeIntervalSince(lastHousekeeping) >= min(1, options.pollInterval) else { return }
        lastHousekeeping = now
        let prune = now.timeIntervalSince(lastPrune) >= options.pruneInterval
        if prune { lastPrune = now }
        let options = self.options
        let alerts = self.alerts
        let completion = EventCompletion(configuration: context.configuration)
        let (released, dead, stale, pruned) = try await context.database.withConnection { c in
            let leases = try c.transaction { c in
                let leases = try NotificationQueue.releaseExpiredLeases(c, leaseSeconds: options.leaseSeconds, maxLeases: options.maxLeases)
                // The team hears of a dead-lettered message like of any other that will not arrive.
                for d in leases.dead {
                    try alerts.raise(c, bookingID: d.bookingID, moment: d.moment, recipientRole: d.recipientRole, recipientName: d.recipientName,
                                     channel: d.channel, address: d.address, cause: "dead_\(d.channel)", reason: d.reason)
                }
                return leases
            }
            let released = leases.requeued + (try JobQueue.releaseExpiredLeases(c, leaseSeconds: options.leaseSeconds, maxAttempts: options.jobMaxAttempts))
            try ReminderRows.cancelSettledPaymentReminders(c)
            let stale = try NotificationQueue.skipStale(c)
            try WorkerHeartbeats.beat(c, host: ProcessInfo.processInfo.hostName, pid: getpid())
            var pruned = 0
            if prune {
                try completion.run(c, now: now)
                try RateLimiter.prune(c)
                let p = try WebhookDeliveryRepository.prune(c, acceptedDays: options.webhookRetentionDays,
                                                            rejectedDays: options.webhookRejectedRetentionDays)
                pruned = p.accepted + p.rejected
            }
            return (released, leases.dead.count, stale, pruned)
        }
        if dead > 0 { log("worker: \(dead) message(s) dead-lettered after \(options.maxLeases) expired leases (status 'dead' in the notification log)") }
        pass.released = released
        pass.deadLettered = dead
        pass.stale = stale
        pass.prunedDeliveries = pruned
    }

    func secondsUntilNextDue() async throws -> TimeInterval {
        try await context.database.withConnection { c in
            let row = try c.query("""
                SELECT extract(epoch FROM (least((SELECT min(next_attempt_at) FROM notifications WHERE status = 'queued'),
                                                 (SELECT min(next_attempt_at) FROM jobs WHERE status = 'queued')) - now()))::float8 AS s
                """).first
            return (try row?.decode("s", as: Double?.self) ?? nil) ?? 3_600
        }
    }
}

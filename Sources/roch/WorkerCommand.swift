import ArgumentParser
import Foundation
import RochApp
import RochHTTP

struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Send queued WhatsApp and email messages and run background jobs (reminders, payment links).",
        discussion: """
            Run one or more anywhere (several hosts may share the database). Wakes on NOTIFY outbox and polls \
            as a fallback. SIGTERM or SIGINT: finishes the batch in hand, then exits.
            Environment: DATABASE_URL and the provider settings (see `roch doctor`); WHATSAPP_RATE_LIMIT \
            (messages/s, default 80, `off` for none), WORKER_BATCH_SIZE, WORKER_POLL_SECONDS, \
            WORKER_LEASE_SECONDS, WORKER_MAX_ATTEMPTS, WORKER_MAX_LEASES, WORKER_RETRY_BASE_SECONDS, \
            WEBHOOK_RETENTION_DAYS, WEBHOOK_REJECTED_RETENTION_DAYS.
            """)

    @Flag(help: "Work until nothing is due, then exit (cron, tests).")
    var once = false

    @Option(help: "Database connections for the worker's concurrent sends.")
    var connections = 8

    func validate() throws {
        guard (1...64).contains(connections) else { throw ValidationError("--connections must be between 1 and 64") }
    }

    func run() async throws {
        let env = EnvironmentFile.merged(with: ProcessInfo.processInfo.environment)
        RochLogging.bootstrap(environment: env)
        let options: WorkerOptions
        let context: AppContext
        do {
            options = try WorkerOptions.from(environment: env)
            context = try AppContext.fromEnvironment(poolSize: connections)
        } catch {
            throw ValidationError("\(error)")
        }
        for warning in context.configuration.warnings { log("worker: \(warning)") }
        let worker = Worker(context: context, options: options)
        let signals = [SIGTERM, SIGINT].map { number -> DispatchSourceSignal in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                log("worker: signal \(number): finishing the batch in hand, then exiting")
                worker.requestStop()
            }
            source.resume()
            return source
        }
        defer { signals.forEach { $0.cancel() } }
        let rate = options.whatsAppRatePerSecond.map { "\(Int($0)) WhatsApp messages/s" } ?? "no WhatsApp rate limit"
        log("worker: started (pid \(getpid()), batch \(options.batchSize), \(rate))")
        if once {
            let pass = try await worker.runUntilIdle()
            log("worker: done: \(pass.sent) sent, \(pass.retried) to retry, \(pass.failed) failed, \(pass.skipped) skipped, \(pass.held) held for template approval, \(pass.jobsRun) jobs")
        } else {
            await worker.run()
            log("worker: stopped")
        }
    }
}

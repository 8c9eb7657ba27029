import Foundation
import RochStore

extension Worker {
    /// How long a job of a kind this worker does not know waits before it is offered again.
    static let unknownKindDelay: TimeInterval = 300

    /// Claims a batch of due jobs and runs each through its handler: done, retried with backoff
    /// (`JobFailure.retry`, any unexpected error, a kind this worker does not know), or failed
    /// (permanent, or too many attempts).
    func runJobs() async throws -> Int {
        let limit = options.jobBatchSize
        let jobs = try await context.database.withConnection { c in try JobQueue.claim(c, limit: limit) }
        for job in jobs {
            let outcome: JobOutcome
            if let handler = handlers[job.kind] {
                do {
                    try await handler.run(JobRecord(id: job.id, kind: job.kind, payload: job.payload, attempts: job.attempts - 1),
                                          context: context)
                    outcome = .done
                } catch let failure as JobFailure {
                    switch failure {
                    case .retry(let reason, let after): outcome = .retry(reason, after)
                    case .permanent(let reason): outcome = .failed(reason)
                    }
                } catch {
                    outcome = .retry("\(error)", nil)
                }
            } else {
                // During a rolling deploy another worker may know this kind: leave it for them (or for
                // this worker once upgraded), and give up only after the usual number of attempts.
                outcome = .retry("no handler for job kind '\(job.kind)' in this worker", Self.unknownKindDelay)
            }
            let options = self.options
            _ = try await context.database.withConnection { c in
                switch outcome {
                case .done: try JobQueue.markDone(c, job)
                case .failed(let reason): try JobQueue.markFailed(c, job, reason: reason)
                case .retry(let reason, let after):
                    if job.attempts >= options.jobMaxAttempts {
                        try JobQueue.markFailed(c, job, reason: "gave up after \(job.attempts) attempts: \(reason)")
                    } else {
                        try JobQueue.markRetry(c, job, reason: reason, delay: after ?? options.backoff(afterAttempt: job.attempts))
                    }
                }
            }
        }
        return jobs.count
    }

    enum JobOutcome: Sendable {
        case done
        case retry(String, TimeInterval?)
        case failed(String)
    }
}

import Foundation
import RochStore

/// A row of the `jobs` outbox, as the worker hands it to its handler.
public struct JobRecord: Sendable {
    public var id: Int64
    public var kind: String
    public var payload: JSONB
    /// Attempts made before this one.
    public var attempts: Int

    public init(id: Int64, kind: String, payload: JSONB, attempts: Int) {
        self.id = id
        self.kind = kind
        self.payload = payload
        self.attempts = attempts
    }
}

/// How a job failed: try again later, or give up (the reason is kept on the row and shown to the team).
public enum JobFailure: Error, Sendable {
    case retry(reason: String, after: TimeInterval?)
    case permanent(reason: String)
}

/// Work the worker runs for one kind of job (e.g. `create_payment_link`, `schedule_reminders`).
/// A handler must be idempotent: after a crash the same job may run again.
public protocol JobHandler: Sendable {
    var kind: String { get }
    func run(_ job: JobRecord, context: AppContext) async throws
}

/// Every job handler the worker knows, by kind. Each feature adds its handler here.
public enum JobHandlers {
    public static func all() -> [String: any JobHandler] {
        let handlers: [any JobHandler] = [
            PortalLinkRequestJob(),
            PaymentLinkJob(),
            CancelPaymentLinksJob(),
            TieFailedPaymentJob(),
            ScheduleRemindersJob(),
            PaymentDocumentsJob(),
            CreditNoteJob(),
            ProposalDocumentJob(),
            VendorVoucherJob(),
        ]
        return Dictionary(uniqueKeysWithValues: handlers.map { ($0.kind, $0) })
    }
}

import Foundation
import Logging
import RochStore

extension Worker {
    static let traceLogger = Logger(label: "roch.worker")

    /// One JSON log line per recorded outcome, with the request id that queued the message, so a
    /// request's log lines lead to what the worker did with its messages.
    func trace(_ n: ClaimedNotification, _ outcome: DeliveryOutcome) async {
        guard RochLogging.isBootstrapped, Self.traceLogger.logLevel <= .info else { return }
        let requestID = (try? await context.database.withConnection { try OutboxTrace.requestID($0, notificationID: n.id) }) ?? nil
        var metadata: Logger.Metadata = ["notification": "\(n.id)", "channel": .string(n.channel), "moment": .string(n.moment),
                                         "attempt": "\(n.attempts)"]
        if let requestID { metadata["request_id"] = .string(requestID) }
        switch outcome {
        case .sent(let id): metadata["result"] = "sent"; metadata["provider_message_id"] = .string(id)
        case .retry(let reason, _): metadata["result"] = "retry"; metadata["reason"] = .string(reason)
        case .failed(let reason, _): metadata["result"] = "failed"; metadata["reason"] = .string(reason)
        case .skipped(let reason): metadata["result"] = "skipped"; metadata["reason"] = .string(reason)
        case .held(_, _, let reason): metadata["result"] = "held"; metadata["reason"] = .string(reason)
        }
        Self.traceLogger.info("notification", metadata: metadata)
    }
}

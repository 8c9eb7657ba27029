import RochStore

/// The document jobs' payload: one row's id under one key (`{"receipt_id": "42"}`), queued once per
/// row (idempotency key `<kind>:<id>`).
enum DocumentJobPayload {
    static func enqueue(_ c: Connection, kind: String, key: String, id: Int64) throws {
        _ = try OutboxRepository.enqueueJob(c, kind: kind, idempotencyKey: "\(kind):\(id)",
                                            payload: try JSONB(encoding: [key: String(id)]))
    }

    /// The row id a job was queued for; a payload without it can never succeed (permanent failure).
    static func id(_ job: JobRecord, key: String) throws -> Int64 {
        guard let id = (try? job.payload.decode([String: String].self))?[key].flatMap(Int64.init) else {
            throw JobFailure.permanent(reason: "payload needs \(key): \(job.payload.text)")
        }
        return id
    }
}

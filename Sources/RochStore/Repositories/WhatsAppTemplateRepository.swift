import Foundation

/// Meta's approval status of each WhatsApp template (migration 0024) and the messages held until
/// their template is approved.
public enum WhatsAppTemplateRepository {
    /// Records a template's status (from `roch whatsapp templates sync` or a status webhook). When it
    /// becomes APPROVED, the messages held for it go back to the queue and the workers are woken.
    /// Returns how many held messages were released.
    @discardableResult
    public static func record(_ c: Connection, name: String, language: String, category: String?, status: String,
                              metaTemplateID: String?, reason: String?, submitted: Bool = false) throws -> Int {
        try c.execute("""
            INSERT INTO whatsapp_templates (name, language, category, status, meta_template_id, reason, submitted_at)
            VALUES ($1, $2, coalesce($3, 'UTILITY'), $4, $5, $6, CASE WHEN $7 THEN now() END)
            ON CONFLICT (name, language) DO UPDATE SET
                status = EXCLUDED.status, category = coalesce($3, whatsapp_templates.category),
                meta_template_id = coalesce(EXCLUDED.meta_template_id, whatsapp_templates.meta_template_id),
                reason = EXCLUDED.reason, submitted_at = coalesce(EXCLUDED.submitted_at, whatsapp_templates.submitted_at),
                updated_at = now()
            """, name, language, category, status, metaTemplateID, reason, submitted)
        guard status == "APPROVED" else { return 0 }
        let released = try c.query("""
            UPDATE notifications SET status = 'queued', next_attempt_at = now(), updated_at = now(),
                   held_template = NULL, held_language = NULL
            WHERE status = 'held' AND held_template = $1 AND held_language = $2
            RETURNING id
            """, name, language)
        for row in released {
            try c.execute("INSERT INTO notification_events (notification_id, status, detail) VALUES ($1, 'queued', $2)",
                          try row.decode("id", as: Int64.self), "template \(name) (\(language)) approved by Meta")
        }
        if !released.isEmpty { try c.notify(OutboxRepository.channel, payload: "held") }
        return released.count
    }

    /// Every recorded status, "name/language" -> status (empty while templates were never synced).
    public static func statuses(_ c: Connection) throws -> [String: String] {
        var all: [String: String] = [:]
        for row in try c.query("SELECT name, language, status FROM whatsapp_templates") {
            all["\(try row.decode("name", as: String.self))/\(try row.decode("language", as: String.self))"] = try row.decode("status")
        }
        return all
    }

    /// Templates per status, and messages held per template status (for `roch doctor`).
    public struct Summary: Sendable, Equatable {
        public var templatesByStatus: [String: Int] = [:]
        /// Held messages whose template is waiting for review (PENDING) or not submitted yet.
        public var heldAwaitingReview = 0
        /// Held messages whose template Meta refused, paused or disabled: they wait for someone to act.
        public var heldBlocked: [String: Int] = [:]
    }

    public static func summary(_ c: Connection) throws -> Summary {
        var s = Summary()
        for row in try c.query("SELECT status, count(*)::int AS n FROM whatsapp_templates GROUP BY status") {
            s.templatesByStatus[try row.decode("status")] = try row.decode("n")
        }
        for row in try c.query("""
            SELECT n.held_template AS name, coalesce(t.status, 'NOT SUBMITTED') AS status, count(*)::int AS n
            FROM notifications n LEFT JOIN whatsapp_templates t ON t.name = n.held_template AND t.language = n.held_language
            WHERE n.status = 'held' GROUP BY 1, 2
            """) {
            let status: String = try row.decode("status"), count: Int = try row.decode("n")
            if status == "PENDING" || status == "NOT SUBMITTED" { s.heldAwaitingReview += count } else {
                s.heldBlocked["\(try row.decode("name", as: String.self)) (\(status))"] = count
            }
        }
        return s
    }

    /// One template's row, for the command's report and tests.
    public static func status(_ c: Connection, name: String, language: String) throws -> String? {
        try c.query("SELECT status FROM whatsapp_templates WHERE name = $1 AND language = $2", name, language).first?.decode("status")
    }

    /// Holds a claimed message until its template is approved; the attempt the claim counted is given
    /// back (holding is not a failed send). Locks the template's row first, so a concurrent approval
    /// either commits before (and the message is not held: false) or releases it after.
    public static func hold(_ c: Connection, notificationID: Int64, attempts: Int, template: String, language: String,
                            reason: String) throws -> Bool {
        let approved = try c.query("SELECT status FROM whatsapp_templates WHERE name = $1 AND language = $2 FOR SHARE",
                                   template, language).first.map { try $0.decode("status", as: String.self) == "APPROVED" } ?? false
        guard !approved else { return false }
        let held = try c.execute("""
            UPDATE notifications SET status = 'held', held_template = $3, held_language = $4, last_error = $5,
                   attempts = greatest(attempts - 1, 0), claimed_at = NULL, updated_at = now()
            WHERE id = $1 AND status = 'sending' AND attempts = $2
            """, notificationID, attempts, template, language, reason)
        guard held > 0 else { return false }
        try c.execute("INSERT INTO notification_events (notification_id, status, detail) VALUES ($1, 'held', $2)", notificationID, reason)
        return true
    }
}

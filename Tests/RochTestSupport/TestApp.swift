import Foundation
import RochApp
import RochHTTP
import RochStore

/// An application context on a fresh migrated database, for tests that drive functions in-process.
public enum TestApp {
    /// A context whose configuration has the given extra environment (providers unset by default).
    public static func context(environment extra: [String: String] = [:], poolSize: Int = 8) throws -> AppContext {
        let url = try TestDatabase.makeMigrated()
        // Issued documents go to one scratch store (keys carry a random part, so tests never collide).
        var env = ["DATABASE_URL": url, "SITE_URL": "https://rochevents.test", "STAFF_WHATSAPP": "+919820099999",
                   "DOCUMENTS_URL": "file://" + NSTemporaryDirectory() + "roch-test-documents"]
        env.merge(extra) { _, new in new }
        let configuration = try Configuration(environment: env)
        return AppContext(configuration: configuration, database: Database(url: url, maxConnections: poolSize),
                          migrationsDirectory: TestDatabase.migrationsDirectory)
    }

    /// `context(environment:poolSize:)` for async tests: the database is created off the cooperative pool.
    public static func context(environment extra: [String: String] = [:], poolSize: Int = 8) async throws -> AppContext {
        try await TestDatabase.offPool { try context(environment: extra, poolSize: poolSize) }
    }

    /// A form POST as the site's no-JS form sends it.
    public static func formPost(_ path: String, _ fields: [(String, String)], remoteAddress: String = "203.0.113.10") -> Request {
        let body = fields.map { "\(FormData.encodeComponent($0.0))=\(FormData.encodeComponent($0.1))" }.joined(separator: "&")
        return Request(method: "POST", path: path, headers: Headers([("Content-Type", "application/x-www-form-urlencoded"),
                                                                      ("Accept", "text/html")]),
                       remoteAddress: remoteAddress, body: Array(body.utf8))
    }

    /// A JSON POST as the site's JavaScript sends it.
    public static func jsonPost(_ path: String, _ json: String, remoteAddress: String = "203.0.113.10") -> Request {
        Request(method: "POST", path: path, headers: Headers([("Content-Type", "application/json"), ("Accept", "application/json")]),
                remoteAddress: remoteAddress, body: Array(json.utf8))
    }
}

extension Response {
    /// The body as text (tests only).
    public var text: String { String(decoding: bodyBytes, as: UTF8.self) }

    /// The body parsed as a JSON object (tests only).
    public var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(bodyBytes))) as? [String: Any] ?? [:]
    }
}

import RochHTTP

extension FunctionDefinition {
    /// `GET /api/health`: database reachable, migrations current. `GET /api/health/stream` checks that
    /// the proxy chain does not buffer: it sends `n` tick events about 100 ms apart.
    public static let health = FunctionDefinition(name: "health") {
        { request in
            switch (request.method, request.pathInfo) {
            case ("GET", ""), ("GET", "/"), ("HEAD", ""), ("HEAD", "/"):
                return try await HealthStatus.response()
            case ("GET", "/stream"):
                return try HealthStream.response(request)
            case (_, ""), (_, "/"), (_, "/stream"):
                throw HTTPError.methodNotAllowed(["GET"])
            default:
                throw HTTPError.notFound()
            }
        }
    }
}

/// `GET /api/health`: 200 when the database answers and every migration is applied, 503 otherwise.
/// The answer is public, so it says only that: what failed (connection errors name hosts, users and
/// files) goes to the log (stderr, the web server's error log) and to `roch doctor`.
public enum HealthStatus {
    /// What anyone may see.
    struct PublicAnswer: Encodable {
        let status: String
        let message: String?
    }

    static let unhealthyMessage = "The service is not ready. Its operators can see why in the log or with `roch doctor`."

    static func response() async throws -> Response {
        let context: AppContext
        do {
            context = try AppContext.shared()
        } catch {
            return try logged(HealthReport(status: "unhealthy", database: "not configured: \(error)", migrationsApplied: 0, migrationsPending: []))
        }
        return try await response(context: context)
    }

    /// The answer for this context's database (tests pass their own; the function passes the process's).
    public static func response(context: AppContext) async throws -> Response {
        try logged(await HealthCheck.run(context))
    }

    /// Writes what failed to stderr (the web server's error log), then answers publicly.
    static func logged(_ report: HealthReport) throws -> Response {
        if !report.isHealthy { log("health: unhealthy: \(report.lines.joined(separator: "; "))") }
        return try response(for: report)
    }

    /// The public answer for a report: its status and, when unhealthy, a generic message; never the details.
    public static func response(for report: HealthReport) throws -> Response {
        let answer = report.isHealthy ? PublicAnswer(status: "ok", message: nil)
                                      : PublicAnswer(status: "unhealthy", message: unhealthyMessage)
        var response = try Response.json(answer, status: report.isHealthy ? 200 : 503)
        response.headers.set("Cache-Control", "no-store")
        return response
    }
}

/// The ops check behind `/api/health/stream`.
enum HealthStream {
    static let defaultCount = 5
    static let maxCount = 50

    static func response(_ request: Request) throws -> Response {
        var count = defaultCount
        if let n = try request.query()["n"] {
            guard let v = Int(n), (1...maxCount).contains(v) else {
                throw HTTPError.badRequest("n must be a whole number from 1 to \(maxCount).", code: "invalid_n")
            }
            count = v
        }
        let total = count
        return Response.eventStream { sse in
            try await sse.retry(milliseconds: 2000)
            for i in 1...total {
                if sse.isClosed { return }
                try await sse.send(ServerSentEvent(id: String(i), event: "tick", data: #"{"n":\#(i),"of":\#(total)}"#))
                if i < total { try await Task.sleep(nanoseconds: 100_000_000) }
            }
        }
    }
}

import Foundation
import Metrics
import NIOConcurrencyHelpers
import Prometheus
import RochHTTP
import RochStore

/// `GET <function mount>/metrics` (e.g. /api/health/metrics): the Prometheus text of this process
/// (requests and latency per function and status, webhook rejections, SSE streams open, database
/// pool), plus, from health, what the database knows (outbox backlog and oldest age, deliveries by
/// provider and result, worker heartbeat). Only for callers on loopback, or with the basic-auth
/// credentials METRICS_USER/METRICS_PASSWORD when those are set (then required from everyone).
/// Anyone else gets 404, as for any unknown path.
public enum MetricsEndpoint {
    private static let registryBox = NIOLockedValueBox<PrometheusCollectorRegistry?>(nil)

    /// The process's registry, bootstrapped into swift-metrics on first use.
    public static var registry: PrometheusCollectorRegistry {
        registryBox.withLockedValue { box in
            if let r = box { return r }
            let r = PrometheusCollectorRegistry()
            var factory = PrometheusMetricsFactory(registry: r)
            factory.defaultDurationHistogramBuckets = [.milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
                                                       .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
                                                       .milliseconds(2500), .seconds(5), .seconds(10)]
            MetricsSystem.bootstrap(RochMetricsFactory(base: factory))
            box = r
            return r
        }
    }

    static func isMetricsPath(_ request: Request) -> Bool {
        request.method == "GET" && (request.path.hasSuffix("/metrics") && (request.pathInfo == "/metrics" || request.path == "/metrics"))
    }

    public static func isAllowed(_ request: Request, environment: [String: String]) -> Bool {
        if let user = environment["METRICS_USER"], let password = environment["METRICS_PASSWORD"], !user.isEmpty, !password.isEmpty {
            guard let header = request.headers["Authorization"], header.lowercased().hasPrefix("basic "),
                  let decoded = Data(base64Encoded: String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)) else { return false }
            return constantTimeEqual(Array(decoded), Array("\(user):\(password)".utf8))
        }
        let a = request.remoteAddress
        return a == "127.0.0.1" || a == "::1" || a.hasPrefix("127.") || a == "::ffff:127.0.0.1"
    }

    static func answer(_ request: Request, function: String, context: AppContext?) async -> Response {
        let env = AppContext.environment()
        guard isAllowed(request, environment: env) else {
            let hint = env["METRICS_USER"] == nil ? "" : "Basic realm=\"roch metrics\""
            var headers = Headers([("Content-Type", "text/plain; charset=utf-8")])
            if !hint.isEmpty { headers.add("WWW-Authenticate", hint) }
            return Response(status: hint.isEmpty ? 404 : 401, headers: headers, body: .bytes(Array("not found\n".utf8)))
        }
        let registry = self.registry
        if let context {
            let pool = context.database.pool
            gauge(registry, "roch_db_pool_connections", [("function", function), ("state", "open")]).set(Double(pool.openConnections))
            gauge(registry, "roch_db_pool_connections", [("function", function), ("state", "idle")]).set(Double(pool.idleConnections))
            gauge(registry, "roch_db_pool_max_connections", [("function", function)]).set(Double(pool.maxConnections))
            if function == "health" {
                await recordDatabaseGauges(context, registry: registry)
            }
        }
        return Response(status: 200, headers: Headers([("Content-Type", "text/plain; version=0.0.4; charset=utf-8"),
                                                       ("Cache-Control", "no-store")]),
                        body: .bytes(registry.emitToBuffer()))
    }

    /// Gauges read from the database at scrape time (one process, health, reports them).
    static func recordDatabaseGauges(_ context: AppContext, registry: PrometheusCollectorRegistry) async {
        let up = gauge(registry, "roch_database_up", [])
        do {
            let figures = try await context.database.withConnection { try OperationsFigures.read($0) }
            up.set(Double(1))
            for (channel, n) in figures.backlogByChannel {
                gauge(registry, "roch_outbox_backlog", [("channel", channel)]).set(Double(n))
            }
            gauge(registry, "roch_outbox_oldest_due_seconds", []).set(figures.oldestDueSeconds)
            gauge(registry, "roch_jobs_backlog", []).set(Double(figures.jobsBacklog))
            for d in figures.deliveries {
                gauge(registry, "roch_notifications", [("provider", d.channel), ("result", d.status)]).set(Double(d.count))
            }
            gauge(registry, "roch_worker_heartbeat_age_seconds", []).set(figures.heartbeatAgeSeconds ?? Double(-1))
            gauge(registry, "roch_outbox_paused", []).set(Double(figures.outboxPaused ? 1 : 0))
        } catch {
            up.set(Double(0))
        }
    }

    static let help: [String: String] = [
        "roch_db_pool_connections": "Database connections of this process's pool, open (idle or lent) and idle.",
        "roch_db_pool_max_connections": "The pool's size (ROCH_DB_POOL).",
        "roch_database_up": "1 when health could read the outbox figures from PostgreSQL.",
        "roch_outbox_backlog": "Messages queued or being sent whose time has come, per channel.",
        "roch_outbox_oldest_due_seconds": "How long the oldest due message has waited.",
        "roch_jobs_backlog": "Jobs (payment links, reminders) due or running.",
        "roch_notifications": "Every notification by provider and result (sent, failed, skipped, queued, ...).",
        "roch_worker_heartbeat_age_seconds": "Seconds since any worker last beat; -1 when none ever did.",
        "roch_outbox_paused": "1 while the outbox is paused (roch outbox resume).",
    ]

    static func gauge(_ registry: PrometheusCollectorRegistry, _ name: String, _ labels: [(String, String)]) -> Prometheus.Gauge {
        registry.makeGauge(descriptor: MetricNameDescriptor(metricName: name, unitName: "", helpText: help[name] ?? ""), labels: labels)
    }

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

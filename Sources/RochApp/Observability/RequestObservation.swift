import Foundation
import Logging
import Metrics
import RochHTTP
import RochStore

/// What every function does around its handler: takes the request id nginx sends (`$request_id` as
/// X-Request-Id) or makes one, runs the handler with it (so log lines and the outbox rows it queues
/// carry it), answers it in X-Request-Id, logs one JSON line per request, and counts the request for
/// /metrics. `<mount>/metrics` itself is answered here (see `MetricsEndpoint`).
public enum RequestObservation {
    public static func wrap(_ function: String, context: (@Sendable () -> AppContext?)? = nil, _ handler: @escaping Handler) -> Handler {
        _ = MetricsEndpoint.registry   // bootstraps swift-metrics before the first metric is made
        let logger = Logger(label: "roch.\(function)")
        let latency = Metrics.Timer(label: "roch_http_request_duration_seconds", dimensions: [("function", function)])
        let streams = Meter(label: "roch_sse_streams_open", dimensions: [("function", function)])
        let isWebhook = function.hasSuffix("webhook")
        return { request in
            if MetricsEndpoint.isMetricsPath(request) {
                return await MetricsEndpoint.answer(request, function: function, context: context?())
            }
            let id = requestID(request)
            let start = ContinuousClock.now
            var status = 500
            defer {
                let elapsed = ContinuousClock.now - start
                latency.recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
                Counter(label: "roch_http_requests_total", dimensions: [("function", function), ("status", String(status))]).increment()
                if isWebhook, (400..<500).contains(status) {
                    Counter(label: "roch_webhook_rejections_total", dimensions: [("function", function), ("status", String(status))]).increment()
                }
            }
            do {
                var response = try await RequestTrace.$requestID.withValue(id) { try await handler(request) }
                status = response.status
                response.headers.set("X-Request-Id", id)
                if case .stream(let body) = response.body {
                    response.body = .stream { writer in
                        streams.increment()
                        defer { streams.decrement() }
                        try await RequestTrace.$requestID.withValue(id) { try await body(writer) }
                    }
                }
                RequestTrace.$requestID.withValue(id) {
                    logger.info("request", metadata: ["method": .string(request.method), "path": .string(request.path),
                                                      "status": .stringConvertible(status),
                                                      "ms": .stringConvertible(Self.milliseconds(since: start))])
                }
                return response
            } catch {
                status = (error as? HTTPError)?.status ?? 500
                RequestTrace.$requestID.withValue(id) {
                    logger.log(level: status >= 500 ? .error : .info, "request",
                               metadata: ["method": .string(request.method), "path": .string(request.path),
                                          "status": .stringConvertible(status), "ms": .stringConvertible(Self.milliseconds(since: start))])
                }
                throw error
            }
        }
    }

    /// nginx's `$request_id` (32 hex digits) when present and sane, otherwise a fresh one of the same form.
    static func requestID(_ request: Request) -> String {
        if let given = request.headers["X-Request-Id"], (1...64).contains(given.count),
           given.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") }) {
            return given
        }
        return UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
    }

    static func milliseconds(since start: ContinuousClock.Instant) -> Double {
        let d = ContinuousClock.now - start
        return (Double(d.components.seconds) * 1_000 + Double(d.components.attoseconds) / 1e15).rounded(toPlaces: 2)
    }
}

extension Double {
    func rounded(toPlaces places: Int) -> Double {
        let f = pow(10, Double(places))
        return (self * f).rounded() / f
    }
}

import CoreMetrics
import Metrics
import Prometheus

/// swift-prometheus's factory, except that the metrics Roch names get their HELP text
/// (`promtool check metrics` rejects metrics without one). Everything else is delegated.
struct RochMetricsFactory: MetricsFactory {
    let base: PrometheusMetricsFactory
    var registry: PrometheusCollectorRegistry { base.registry }

    static let help: [String: String] = [
        "roch_http_requests_total": "Requests answered, by function and HTTP status.",
        "roch_http_request_duration_seconds": "Time to answer a request (to the response head for streams), by function.",
        "roch_webhook_rejections_total": "Webhook deliveries refused with a 4xx (bad signature, malformed), by function.",
        "roch_sse_streams_open": "Server-sent event streams open in this process.",
    ]

    func descriptor(_ label: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: label, unitName: "", helpText: Self.help[label] ?? "")
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        registry.makeCounter(descriptor: descriptor(label), labels: dimensions)
    }

    func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        base.makeFloatingPointCounter(label: label, dimensions: dimensions)
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        base.makeRecorder(label: label, dimensions: dimensions, aggregate: aggregate)
    }

    func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        registry.makeGauge(descriptor: descriptor(label), labels: dimensions)
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        registry.makeDurationHistogram(descriptor: descriptor(label), labels: dimensions, buckets: base.defaultDurationHistogramBuckets)
    }

    func destroyCounter(_ handler: any CounterHandler) { base.destroyCounter(handler) }
    func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) { base.destroyFloatingPointCounter(handler) }
    func destroyRecorder(_ handler: any RecorderHandler) { base.destroyRecorder(handler) }
    func destroyMeter(_ handler: any MeterHandler) { base.destroyMeter(handler) }
    func destroyTimer(_ handler: any TimerHandler) { base.destroyTimer(handler) }
}

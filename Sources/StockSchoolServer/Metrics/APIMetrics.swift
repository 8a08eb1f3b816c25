import Prometheus
import Synchronization

/// The server's own counters and histograms (request rate, latency, in flight). Values that are
/// read, not counted — cache statistics, business gauges, process figures — are computed at
/// scrape time by `MetricsRoute`.
public final class APIMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let inFlight: Gauge
    private let inFlightCount = Atomic<Int>(0)
    private let series = Mutex<[SeriesKey: Series]>([:])
    /// The last minute's requests, for the dashboard (`/monitoring/requests`).
    let window = RequestWindow()

    /// Latency buckets from 1 ms to 10 s: the API's targets are a few ms cached and the alert
    /// threshold is p95 > 2 s, so both ends need resolution.
    static let buckets: [Duration] = [
        .milliseconds(1), .microseconds(2500), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
        .milliseconds(2500), .seconds(5), .seconds(10),
    ]

    private struct SeriesKey: Hashable {
        let route: String
        let method: String
        let status: Int
    }

    private struct Series: Sendable {
        let requests: Counter
        let duration: DurationHistogram
    }

    init() {
        inFlight = registry.makeGauge(
            descriptor: MetricNameDescriptor(
                metricName: "http_requests_in_flight", unitName: "", helpText: "Requests being served now."))
    }

    /// Requests being served now (the gauge's value, readable).
    var requestsInFlight: Int { inFlightCount.load(ordering: .relaxed) }

    func started() {
        inFlight.increment()
        inFlightCount.wrappingAdd(1, ordering: .relaxed)
    }

    func finished(route: String, method: String, status: Int, duration: Duration) {
        inFlight.decrement()
        inFlightCount.wrappingSubtract(1, ordering: .relaxed)
        let key = SeriesKey(route: route, method: method, status: status)
        let series = self.series.withLock { all in
            if let existing = all[key] { return existing }
            let labels = [("route", route), ("method", method), ("status", String(status))]
            let made = Series(
                requests: registry.makeCounter(
                    descriptor: MetricNameDescriptor(
                        metricName: "http_requests", unitName: "total", helpText: "HTTP requests answered."),
                    labels: labels),
                duration: registry.makeDurationHistogram(
                    descriptor: MetricNameDescriptor(
                        metricName: "http_request_duration", unitName: "seconds",
                        helpText: "Time from request to response."),
                    labels: labels, buckets: Self.buckets))
            all[key] = made
            return made
        }
        series.requests.increment()
        series.duration.record(duration)
        window.record(duration)
    }
}

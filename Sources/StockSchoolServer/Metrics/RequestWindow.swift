import Foundation
import Synchronization

/// Requests answered in the last minute, per second, with their latencies in the same buckets as
/// `http_request_duration_seconds`: the request rate and p95 the dashboard's overview shows,
/// read from the server's own counts rather than from a Prometheus the user may not run.
final class RequestWindow: Sendable {
    /// Seconds the window spans.
    static let span = 60

    private struct Slot {
        var second: Int64 = -1
        var count = 0
        /// Per bucket of `APIMetrics.buckets`, plus one for slower requests.
        var buckets: [Int]
    }

    private let slots: Mutex<[Slot]>
    private let bounds: [Double]

    init(buckets: [Duration] = APIMetrics.buckets) {
        bounds = buckets.map { Double($0.components.seconds) + Double($0.components.attoseconds) / 1e18 }
        slots = Mutex(Array(repeating: Slot(buckets: Array(repeating: 0, count: buckets.count + 1)), count: Self.span))
    }

    func record(_ duration: Duration, at now: Date = Date()) {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        let bucket = bounds.firstIndex { seconds <= $0 } ?? bounds.count
        let second = Int64(now.timeIntervalSince1970.rounded(.down))
        slots.withLock { slots in
            let i = Int(second % Int64(Self.span))
            if slots[i].second != second {
                slots[i].second = second
                slots[i].count = 0
                for k in slots[i].buckets.indices { slots[i].buckets[k] = 0 }
            }
            slots[i].count += 1
            slots[i].buckets[bucket] += 1
        }
    }

    /// What the last `span` whole seconds before `now` saw.
    struct Summary: Sendable, Equatable {
        var requests: Int
        var seconds: Int
        /// Requests per second over the window.
        var rate: Double { Double(requests) / Double(seconds) }
        /// The 95th percentile latency in seconds, interpolated within its bucket as Prometheus'
        /// `histogram_quantile` does; nil without requests.
        var p95: Double?
    }

    func summary(at now: Date = Date()) -> Summary {
        let current = Int64(now.timeIntervalSince1970.rounded(.down))
        // The current second is still filling: the window is the `span` seconds before it.
        let oldest = current - Int64(Self.span)
        var total = 0
        var counts = Array(repeating: 0, count: bounds.count + 1)
        slots.withLock { slots in
            for slot in slots where slot.second >= oldest && slot.second < current {
                total += slot.count
                for k in counts.indices { counts[k] += slot.buckets[k] }
            }
        }
        return Summary(requests: total, seconds: Self.span, p95: Self.quantile(0.95, counts: counts, bounds: bounds))
    }

    /// `histogram_quantile`: find the bucket holding the rank, interpolate linearly inside it
    /// (from 0 for the first bucket); a rank in the open top bucket answers the highest bound.
    static func quantile(_ q: Double, counts: [Int], bounds: [Double]) -> Double? {
        let total = counts.reduce(0, +)
        guard total > 0 else { return nil }
        let rank = q * Double(total)
        var below = 0
        for (k, count) in counts.enumerated() {
            if Double(below + count) >= rank, count > 0 {
                guard k < bounds.count else { return bounds.last }
                let lower = k == 0 ? 0 : bounds[k - 1]
                return lower + (bounds[k] - lower) * (rank - Double(below)) / Double(count)
            }
            below += count
        }
        return bounds.last
    }
}

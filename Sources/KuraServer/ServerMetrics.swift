import Foundation
import Hummingbird
import KuraStore
import Prometheus

/// Prometheus metrics: requests and latency per route, documents and chunks written, and each
/// collection's size, read when /metrics is scraped.
public final class ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    static let buckets: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
    ]

    /// A fresh registry.
    public init() {}

    func request(route: String, method: String, status: Int, duration: Duration) {
        registry.makeCounter(
            descriptor: .init(metricName: "kura_http_requests", unitName: "total", helpText: "HTTP requests by route, method and status"),
            labels: [("route", route), ("method", method), ("status", String(status))]
        ).increment()
        registry.makeDurationHistogram(
            descriptor: .init(metricName: "kura_http_request_duration", unitName: "seconds", helpText: "HTTP request latency by route"),
            labels: [("route", route), ("method", method)], buckets: Self.buckets
        ).record(duration)
    }

    func ingested(documents: Int, chunks: Int) {
        registry.makeCounter(descriptor: .init(metricName: "kura_documents_written", unitName: "total", helpText: "Documents written (new or changed)"))
            .increment(by: Int64(documents))
        registry.makeCounter(descriptor: .init(metricName: "kura_chunks_embedded", unitName: "total", helpText: "Chunks embedded by the server"))
            .increment(by: Int64(chunks))
    }

    /// The exposition text, with collection sizes read now.
    func scrape(_ store: Store) -> String {
        for info in (try? store.listCollections()) ?? [] {
            guard let stats = try? store.collection(info.name).stats() else { continue }
            let labels = [("collection", info.name)]
            let gauges: [(String, String, Int)] = [
                ("kura_collection_documents", "Documents in a collection", stats.documents), ("kura_collection_chunks", "Chunks in a collection", stats.chunks),
                ("kura_collection_vectors", "Live vectors in a collection", stats.vectors), ("kura_collection_segments", "Sealed segments", stats.segments),
                ("kura_collection_segment_bytes", "Bytes of segment files", stats.bytes),
            ]
            for (name, help, value) in gauges {
                registry.makeGauge(descriptor: .init(metricName: name, unitName: "", helpText: help), labels: labels).set(to: Double(value))
            }
        }
        return registry.emitToString()
    }
}

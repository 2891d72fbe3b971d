import Foundation

/// Renders recall-against-QPS curves as a standalone SVG, QPS on a log scale.
public enum RecallPlot {
    /// One curve: a name for the legend and its (recall, QPS) points.
    public struct Series: Sendable {
        /// The legend's name.
        public var name: String
        /// Points in the order drawn.
        public var points: [(recall: Double, qps: Double)]

        /// A curve of `points` named `name`.
        public init(name: String, points: [(recall: Double, qps: Double)]) {
            self.name = name
            self.points = points
        }
    }

    static let colors = ["#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"]

    /// An SVG document with every series, titled `title`; points with no QPS are left out.
    public static func svg(_ series: [Series], title: String) -> String {
        let w = 720.0, h = 480.0, left = 70.0, right = 170.0, top = 40.0, bottom = 50.0
        let all = series.flatMap(\.points).filter { $0.qps > 0 }
        let minR = min(all.map(\.recall).min() ?? 0.8, 0.99)
        let x0 = (minR * 50).rounded(.down) / 50, x1 = 1.0
        let y0 = pow10(floor(log10(all.map(\.qps).min() ?? 100))), y1 = pow10(ceil(log10(all.map(\.qps).max() ?? 1000)))
        func px(_ r: Double) -> Double { left + (r - x0) / (x1 - x0) * (w - left - right) }
        func py(_ q: Double) -> Double { h - bottom - (log10(q) - log10(y0)) / (log10(y1) - log10(y0)) * (h - top - bottom) }
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(w))\" height=\"\(Int(h))\" font-family=\"sans-serif\" font-size=\"12\">\n"
        s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        s += "<text x=\"\(w / 2 - 60)\" y=\"22\" font-size=\"15\">\(escape(title))</text>\n"
        var r = x0
        while r <= x1 + 1e-9 {
            s += line(px(r), top, px(r), h - bottom, "#eee") + "<text x=\"\(px(r) - 12)\" y=\"\(h - bottom + 16)\">\(fmt(r))</text>\n"
            r += 0.02
        }
        var q = y0
        while q <= y1 * 1.0001 {
            s += line(left, py(q), w - right, py(q), "#eee") + "<text x=\"\(left - 55)\" y=\"\(py(q) + 4)\">\(Int(q))</text>\n"
            q *= 10
        }
        s += line(left, h - bottom, w - right, h - bottom, "#333") + line(left, top, left, h - bottom, "#333")
        s += "<text x=\"\(w / 2 - 60)\" y=\"\(h - 12)\">recall@10</text>\n"
        s += "<text x=\"14\" y=\"\(h / 2)\" transform=\"rotate(-90 14 \(h / 2))\">queries/s (log)</text>\n"
        for (i, se) in series.enumerated() {
            let c = colors[i % colors.count]
            let pts = se.points.filter { $0.qps > 0 && $0.recall >= x0 }.sorted { $0.recall < $1.recall }
            s +=
                "<polyline fill=\"none\" stroke=\"\(c)\" stroke-width=\"2\" points=\""
                + pts.map { "\(fmt(px($0.recall))),\(fmt(py($0.qps)))" }.joined(separator: " ") + "\"/>\n"
            for p in pts { s += "<circle cx=\"\(fmt(px(p.recall)))\" cy=\"\(fmt(py(p.qps)))\" r=\"3\" fill=\"\(c)\"/>\n" }
            let ly = top + 20 + Double(i) * 20
            s += line(w - right + 15, ly, w - right + 35, ly, c) + "<text x=\"\(w - right + 40)\" y=\"\(ly + 4)\">\(escape(se.name))</text>\n"
        }
        return s + "</svg>\n"
    }

    private static func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, _ c: String) -> String {
        "<line x1=\"\(fmt(x1))\" y1=\"\(fmt(y1))\" x2=\"\(fmt(x2))\" y2=\"\(fmt(y2))\" stroke=\"\(c)\"/>\n"
    }

    private static func fmt(_ v: Double) -> String { String(Double(Int(v * 100)) / 100) }
    private static func pow10(_ e: Double) -> Double { exp(e * log(10)) }
    private static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
    }
}

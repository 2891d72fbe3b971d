import KuraCore

extension IndexView {
    /// Checks the graph's invariants and returns one line per problem found (empty when sound):
    /// levels within the top level, lists within their width, neighbour ids in range, not self, not
    /// repeated and present on that level, an entry point on the top level, and finite (for cosine,
    /// unit-length) vectors.
    func check() -> [String] {
        var problems: [String] = []
        func report(_ s: String) { if problems.count < 100 { problems.append(s) } }
        if let entry {
            if Int(entry) >= rowCount || !isReady(Int(entry)) {
                report("entry point \(entry) is not a stored row")
            } else if Int(levels[Int(entry)]) != maxLevel {
                report("entry point \(entry) has level \(levels[Int(entry)]), the top level is \(maxLevel)")
            }
        } else if (0..<rowCount).contains(where: isReady) {
            report("rows are stored but there is no entry point")
        }
        for r in 0..<rowCount where isReady(r) {
            let row = UInt32(r)
            let level = Int(levels[r])
            if level > maxLevel { report("row \(r) has level \(level) above the top level \(maxLevel)") }
            checkVector(row, report)
            for l in 0...min(level, HNSWParameters.maxLevel) {
                guard let list = links.links(row, level: l) else {
                    report("row \(r) has level \(level) but no list on level \(l)")
                    continue
                }
                let width = l == 0 ? links.maxM0 : links.maxM
                let count = Int(list[0])
                if count > width { report("row \(r) level \(l): \(count) links, at most \(width) allowed") }
                var seen = Set<UInt32>()
                for j in 1..<(min(count, width) + 1) {
                    let n = list[j]
                    if Int(n) >= rowCount || !isReady(Int(n)) {
                        report("row \(r) level \(l): link to \(n), which is not a stored row")
                    } else if n == row {
                        report("row \(r) level \(l): links to itself")
                    } else if Int(levels[Int(n)]) < l {
                        report("row \(r) level \(l): link to \(n), which only reaches level \(levels[Int(n)])")
                    }
                    if !seen.insert(n).inserted { report("row \(r) level \(l): link to \(n) repeated") }
                }
            }
        }
        return problems
    }

    private func checkVector(_ row: UInt32, _ report: (String) -> Void) {
        let v = UnsafeBufferPointer(start: full.f32Row(row), count: dimension)
        if let bad = v.firstIndex(where: { !$0.isFinite }) {
            report("row \(row): component \(bad) is \(v[bad])")
        } else if metric.normalizes {
            let norm = v.reduce(0) { $0 + $1 * $1 }
            if norm > 0 && abs(norm - 1) > 1e-3 { report("row \(row): squared norm \(norm), expected 1 for cosine") }
        }
    }
}

extension HNSWIndex {
    /// Checks the graph's invariants; see `IndexView.check()`. Call it while no insert is running.
    public func check() -> [String] { view.check() }
}

extension Segment {
    /// Checks the graph's invariants; checksums are checked by `verify()`.
    public func check() -> [String] { view.check() }
}

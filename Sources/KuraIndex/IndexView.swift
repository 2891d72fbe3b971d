import KuraCore

/// Everything a query needs from one HNSW index, as plain pointers: the graph, the f32 rows, the
/// traversal rows (f32, f16 or int8), tombstones and the entry point. A growing ``HNSWIndex`` and a
/// mapped ``Segment`` both answer queries through it, so the read path exists once.
struct IndexView<Links: GraphLinks> {
    let links: Links
    let metric: Metric
    let dimension: Int
    /// Rows below this are allocated; `isReady` says which of them are searchable.
    let rowCount: Int
    let levels: UnsafePointer<UInt8>
    let full: DistanceKernel
    let traversal: DistanceKernel
    let quantized: Bool
    var tombstones: UnsafePointer<UInt64>?
    let entry: UInt32?
    let maxLevel: Int
    /// f32 rows re-scored per result (see ``Rescoring``), as set when the view was made.
    var rescorePerResult = Rescoring.perResult

    /// Above this many allowed rows, a filtered search walks the graph instead of scanning them.
    static var exactFilterLimit: Int { 4096 }

    @inline(__always)
    func isReady(_ row: Int) -> Bool { levels[row] != HeapLinks.notReady }

    func search(_ query: UnsafeBufferPointer<Float>, k: Int, ef: Int, filter: RowFilter?, strategy: FilterStrategy, pool: ContextPool) throws -> [Neighbor] {
        try Vectors.validate(query, dimension: dimension)
        guard k > 0 else { throw KuraError.invalidArgument("k must be at least 1, got \(k)") }
        return pool.withContext { ctx in
            ctx.query.update(from: query.baseAddress!, count: dimension)
            if metric.normalizes { Vectors.normalize(UnsafeMutableBufferPointer(start: ctx.query, count: dimension)) }
            switch filter {
            case .rows(let bits):
                return bits.words.withUnsafeBufferPointer { words in
                    let accept = RowAcceptor(tombstones: tombstones, allowed: words.baseAddress, allowedBound: bits.capacity, predicate: nil)
                    let exact = strategy == .exact || (strategy == .automatic && bits.count <= Self.exactFilterLimit)
                    return exact
                        ? scan(rows: bits.rows, k: k, accept: accept, ctx)
                        : walk(k: k, ef: ef, accept: accept, ctx)
                }
            case .predicate(let p):
                let accept = RowAcceptor(tombstones: tombstones, allowed: nil, allowedBound: 0, predicate: p)
                return strategy == .exact
                    ? scan(rows: (0..<rowCount).lazy.map { UInt32($0) }, k: k, accept: accept, ctx)
                    : walk(k: k, ef: ef, accept: accept, ctx)
            case nil:
                let accept = RowAcceptor(tombstones: tombstones, allowed: nil, allowedBound: 0, predicate: nil)
                return walk(k: k, ef: ef, accept: accept, ctx)
            }
        }
    }

    /// The graph walk; re-scores the best candidates in f32 when traversal used a quantised copy (see
    /// ``Rescoring``; with none, distances are the quantised ones).
    private func walk(k: Int, ef: Int, accept: RowAcceptor, _ ctx: SearchContext) -> [Neighbor] {
        guard let entry else { return [] }
        let (kernel, query) = traversal.prepared(ctx.query, ctx.preparedQuery)
        let searcher = HNSWSearcher(links: links, kernel: kernel, locks: nil)
        searcher.search(query, entry: entry, maxLevel: maxLevel, ef: max(ef, k), accept: accept, ctx)
        let depth = quantized ? Rescoring.depth(k: k, ef: ef, perResult: rescorePerResult) : 0
        if depth > 0 {
            while ctx.results.count > depth { ctx.results.pop() }
            // Re-scored a list at a time, so the batch kernel prefetches the f32 rows: at millions of
            // rows each is a fresh miss, and one at a time they would be fetched serially.
            ctx.candidates.removeAll()
            while !ctx.results.isEmpty {
                var n = 0
                while n < ctx.listCapacity && !ctx.results.isEmpty {
                    ctx.ids[n] = ctx.results.pop().row
                    n += 1
                }
                full.distances(ctx.query, ctx.ids, n, ctx.distances)
                for j in 0..<n { ctx.candidates.push(ctx.distances[j], ctx.ids[j]) }
            }
            swap(&ctx.results, &ctx.candidates)
        }
        return finish(&ctx.results, k: k)
    }

    /// Exact search over the given rows, for small allowed sets and forced exact filtering.
    private func scan<S: Sequence<UInt32>>(rows: S, k: Int, accept: RowAcceptor, _ ctx: SearchContext) -> [Neighbor] {
        ctx.results.removeAll()
        var n = 0
        func flush() {
            full.distances(ctx.query, ctx.ids, n, ctx.distances)
            for j in 0..<n {
                let d = ctx.distances[j]
                if ctx.results.count < k {
                    ctx.results.push(d, ctx.ids[j])
                } else if d < ctx.results.top.distance {
                    ctx.results.replaceTop(d, ctx.ids[j])
                }
            }
            n = 0
        }
        for row in rows where Int(row) < rowCount && isReady(Int(row)) && accept.accepts(row) {
            ctx.ids[n] = row
            n += 1
            if n == ctx.listCapacity { flush() }
        }
        flush()
        return finish(&ctx.results, k: k)
    }

    private func finish(_ heap: inout MaxHeap, k: Int) -> [Neighbor] {
        while heap.count > k { heap.pop() }
        return heap.drainAscending().map { Neighbor(row: $0.row, distance: metric.publicDistance($0.distance)) }
    }
}

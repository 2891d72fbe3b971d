import CKuraKernels

/// The HNSW walk over any graph storage: greedy descent through the upper levels, then a best-first
/// search with a bounded result list. Used by queries (no locks) and by insertion (with node locks,
/// which copy each list while it is held).
struct HNSWSearcher<Links: GraphLinks> {
    let links: Links
    let kernel: DistanceKernel
    let locks: NodeLocks?

    /// Copies the neighbours of `row` at `level` into `ctx.ids` from `offset`, skipping (and marking) visited
    /// ones when `skipVisited`; returns how many.
    @inline(__always)
    private func gather(_ row: UInt32, level: Int, skipVisited: Bool, _ ctx: SearchContext, at offset: Int = 0) -> Int {
        locks?.lock(row)
        defer { locks?.unlock(row) }
        guard let list = links.links(row, level: level) else { return 0 }
        let width = level == 0 ? links.maxM0 : links.maxM
        let count = min(Int(list[0]), width)
        let bound = UInt32(truncatingIfNeeded: links.rowBound)
        var n = offset
        for j in 1..<(count + 1) {
            let id = list[j]
            if id < bound && !(skipVisited && ctx.visited.testAndSet(id)) {
                ctx.ids[n] = id
                n += 1
                if skipVisited { kernel.prefetch(id) }
            }
        }
        return n - offset
    }

    /// Greedy descent on one upper level: moves to the closest neighbour until none is closer.
    func greedy(_ query: UnsafePointer<Float>, from start: UInt32, distance startDist: Float, level: Int, _ ctx: SearchContext) -> (UInt32, Float) {
        var cur = start
        var curDist = startDist
        var changed = true
        while changed {
            changed = false
            let n = gather(cur, level: level, skipVisited: false, ctx)
            kernel.distances(query, ctx.ids, n, ctx.distances)
            for j in 0..<n where ctx.distances[j] < curDist {
                curDist = ctx.distances[j]
                cur = ctx.ids[j]
                changed = true
            }
        }
        return (cur, curDist)
    }

    /// Best-first search on `level` from one entry, keeping the `ef` closest accepted rows in
    /// `ctx.results` (a max-heap on distance). Rows the acceptor rejects are walked through but never kept.
    func searchLayer(_ query: UnsafePointer<Float>, entry: UInt32, entryDistance: Float, ef: Int, level: Int, accept: RowAcceptor, _ ctx: SearchContext) {
        ctx.visited.reset()
        ctx.candidates.removeAll()
        ctx.results.removeAll()
        let filtering = !accept.acceptsAll
        _ = ctx.visited.testAndSet(entry)
        ctx.candidates.push(-entryDistance, entry)
        var bound = Float.infinity
        if accept.accepts(entry) {
            ctx.results.push(entryDistance, entry)
            bound = entryDistance
        }
        while !ctx.candidates.isEmpty {
            let c = ctx.candidates.top
            if -c.distance > bound && (!filtering || ctx.results.count >= ef) { break }
            ctx.candidates.pop()
            var n = gather(c.row, level: level, skipVisited: true, ctx)
            // On level 0 the next candidate is expanded in the same batch, so twice the rows are in flight
            // from memory at once: at 10M rows the walk waits on memory, not on arithmetic.
            var taken = 1
            while level == 0 && taken < SearchContext.beam && !ctx.candidates.isEmpty {
                let next = ctx.candidates.top
                if -next.distance > bound && (!filtering || ctx.results.count >= ef) { break }
                ctx.candidates.pop()
                n += gather(next.row, level: level, skipVisited: true, ctx, at: n)
                taken += 1
            }
            if n == 0 { continue }
            kernel.distances(query, ctx.ids, n, ctx.distances)
            for j in 0..<n {
                let d = ctx.distances[j]
                guard ctx.results.count < ef || d < bound else { continue }
                let id = ctx.ids[j]
                ctx.candidates.push(-d, id)
                // At millions of rows the list is a miss to memory; this candidate may be expanded next.
                if level == 0, let list = links.links(id, level: 0) { ck_prefetch3(list) }
                if !filtering || accept.accepts(id) {
                    if ctx.results.count < ef {
                        ctx.results.push(d, id)
                    } else {
                        ctx.results.replaceTop(d, id)
                    }
                    bound = ctx.results.top.distance
                }
            }
        }
    }

    /// A full query: descend from the entry point, search level 0 with `ef`, leave results in `ctx.results`.
    func search(_ query: UnsafePointer<Float>, entry: UInt32, maxLevel: Int, ef: Int, accept: RowAcceptor, _ ctx: SearchContext) {
        var cur = entry
        var curDist = kernel.distance(query, entry)
        var level = maxLevel
        while level > 0 {
            (cur, curDist) = greedy(query, from: cur, distance: curDist, level: level, ctx)
            level -= 1
        }
        searchLayer(query, entry: cur, entryDistance: curDist, ef: ef, level: 0, accept: accept, ctx)
    }
}

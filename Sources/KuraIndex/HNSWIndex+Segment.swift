import KuraCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension HNSWIndex {
    /// A growing index that starts as a copy of `segment`'s graph: the same rows, in the same order, with
    /// their vectors, traversal copies, links, levels and ids, and `deleted` rows tombstoned. Rows inserted
    /// afterwards link into that graph, so a merge into the largest segment builds only the other segments'
    /// rows instead of every row again. The graph's level draws follow row numbers, so later rows draw as
    /// they would have in one build.
    ///
    /// `parameters` must match the segment's M and encoding (its `ef_construction` applies to the rows
    /// inserted from now on). Every stored link is checked against the row count first, since inserting
    /// follows them without bounds checks.
    /// - Throws: `KuraError.invalidArgument` when `capacity` is below the segment's rows or the parameters
    ///   do not match; `KuraError.corruptFile` for a link, count or level out of range; as `init` for the rest.
    public convenience init(copying segment: Segment, deleted: Bitset, parameters: HNSWParameters, capacity: Int, rowsFile: String? = nil) throws {
        let h = segment.header
        guard h.parameters.m == parameters.m, h.encoding == parameters.encoding else {
            throw KuraError.invalidArgument("segment built with M \(h.parameters.m), \(h.encoding); index asks for M \(parameters.m), \(parameters.encoding)")
        }
        guard capacity >= h.rows else { throw KuraError.invalidArgument("capacity \(capacity) is below the segment's \(h.rows) rows") }
        try self.init(dimension: h.dimension, metric: h.metric, parameters: parameters, capacity: capacity, rowsFile: rowsFile)
        let n = h.rows
        guard n > 0 else { return }
        try checkLinks(of: segment)
        func copy(_ kind: SegmentSection, into buffer: AlignedBuffer?, bytes: Int) {
            guard let buffer, let s = h.section(kind) else { return }
            buffer.raw.copyMemory(from: segment.base + s.offset, byteCount: min(bytes, s.length))
        }
        segment.readingRowsInOrder {
            copy(.vectors, into: vectors, bytes: n * stride)
            copy(.traversal, into: traversalRows, bytes: n * traversalStride)
            copy(.scales, into: scales, bytes: n * 4)
        }
        copy(.level0, into: level0, bytes: n * 4 * (parameters.maxM0 + 1))
        copy(.levels, into: levels, bytes: n)
        copy(.ids, into: ids, bytes: n * 8)
        let links = segment.view.links
        let words = parameters.m + 1
        for row in 0..<n {
            let level = Int(levels.typed(UInt8.self)[row])
            guard level > 0 else { continue }
            let block = UnsafeMutablePointer<UInt32>.allocate(capacity: level * words)
            for l in 1...level {
                let list = links.links(UInt32(row), level: l)!
                (block + (l - 1) * words).update(from: list, count: words)
            }
            upper[row] = block
        }
        reserved.store(n, ordering: .releasing)
        for row in deleted.rows where Int(row) < n { delete(row: row) }
        top.store(Self.pack(Top(entry: h.entry, level: h.topLevel)), ordering: .releasing)
    }

    /// Refuses a segment whose lists name rows it lacks, hold more than their width, or whose levels
    /// point past the upper lists: insertion trusts the links it copies.
    private func checkLinks(of segment: Segment) throws {
        let n = segment.count
        let links = segment.view.links
        func bad(_ why: String) -> KuraError { .corruptFile(path: segment.path, reason: why) }
        func check(_ list: UnsafePointer<UInt32>, width: Int, row: Int) throws {
            let count = Int(list[0])
            guard count <= width else { throw bad("row \(row) has \(count) links, more than \(width)") }
            for i in Swift.stride(from: 1, through: count, by: 1) where Int(list[i]) >= n { throw bad("row \(row) links to row \(list[i]) of \(n)") }
        }
        if let entry = segment.header.entry, Int(entry) >= n { throw bad("entry row \(entry) of \(n)") }
        for row in 0..<n {
            try check(links.links(UInt32(row), level: 0)!, width: parameters.maxM0, row: row)
            let level = Int(links.levels[row])
            guard level <= segment.header.topLevel else { throw bad("row \(row) at level \(level), above the top \(segment.header.topLevel)") }
            for l in Swift.stride(from: 1, through: level, by: 1) {
                guard let list = links.links(UInt32(row), level: l) else { throw bad("row \(row) has no list at level \(l)") }
                try check(list, width: parameters.m, row: row)
            }
        }
    }
}

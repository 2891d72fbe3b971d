import KuraCore

/// Walks one term's postings in row order, a block at a time; past the last row (or a damaged block) its
/// row is ``end``. A class with its block decoded into buffers of its own, so the search's hot loop moves
/// it without copy-on-write checks.
public final class PostingsCursor {
    /// The row a cursor reports once it is past its last posting.
    public static let end = UInt32.max
    let section: PostingsSection
    let term: PostingsSection.Term
    private(set) var block = -1
    private let rows = UnsafeMutablePointer<UInt32>.allocate(capacity: PostingsFormat.blockSize)
    private let tfs = UnsafeMutablePointer<UInt32>.allocate(capacity: PostingsFormat.blockSize)
    private var count = 0
    private var position = 0
    /// The current row, or `end`.
    public private(set) var row: UInt32 = 0
    /// The term's count in the current row.
    public private(set) var frequency: UInt32 = 0

    init(section: PostingsSection, term: PostingsSection.Term) {
        self.section = section
        self.term = term
        load(0)
    }

    deinit {
        rows.deallocate()
        tfs.deallocate()
    }

    /// Rows holding the term.
    public var df: Int { term.df }
    var blocks: Int { term.blocks }
    var currentBlock: Int { block }

    /// The last row of block `b`, its largest frequency and smallest length.
    @inline(__always)
    func blockBound(_ b: Int) -> (last: UInt32, maxTF: UInt32, minLength: UInt32) {
        let e = term.start + b * PostingsFormat.blockEntrySize
        return (PostingsSection.u32(section.p, e), PostingsSection.u32(section.p, e + 8), PostingsSection.u32(section.p, e + 12))
    }

    /// The best score any row of block `b` can have: the best over its impacts (the looser frequency and
    /// length summary when they are damaged).
    func blockScore(_ b: Int, weight: Float, norms: BM25.Norms) -> Float {
        let loose = blockBound(b)
        var at = term.start + Int(PostingsSection.u32(section.p, term.start + b * PostingsFormat.blockEntrySize + 4))
        let limit = section.lengths
        guard at >= term.start, let n = VarInt.read(section.p, &at, limit), n >= 1, n <= PostingsFormat.maxImpacts else {
            return norms.score(weight: weight, tf: loose.maxTF, length: loose.minLength)
        }
        var best: Float = 0
        for _ in 0..<n {
            guard let tf = VarInt.read(section.p, &at, limit), let length = VarInt.read(section.p, &at, limit), tf <= loose.maxTF, length >= loose.minLength
            else {
                return norms.score(weight: weight, tf: loose.maxTF, length: loose.minLength)
            }
            best = max(best, norms.score(weight: weight, tf: tf, length: length))
        }
        return best
    }

    /// The best score any of this term's rows from the current one up to (not including) `end` can have.
    func bestScore(before end: UInt32, weight: Float, norms: BM25.Norms) -> Double {
        guard row != Self.end, row < end else { return 0 }
        var b = block
        var best = blockScore(b, weight: weight, norms: norms)
        while b + 1 < term.blocks, blockBound(b).last &+ 1 < end {
            b += 1
            best = max(best, blockScore(b, weight: weight, norms: norms))
        }
        return Double(best)
    }

    /// The block that would hold `target` (at or after the current one), or nil past the last.
    func blockHolding(_ target: UInt32) -> Int? {
        var b = max(block, 0)
        while b < term.blocks, blockBound(b).last < target { b += 1 }
        return b < term.blocks ? b : nil
    }

    private func load(_ b: Int) {
        block = b
        position = 0
        guard b < term.blocks else {
            row = Self.end
            return
        }
        count = min(PostingsFormat.blockSize, term.df - b * PostingsFormat.blockSize)
        var at = term.start + Int(PostingsSection.u32(section.p, term.start + b * PostingsFormat.blockEntrySize + 4))
        let limit = section.lengths
        var previous: UInt32 = b == 0 ? 0 : blockBound(b - 1).last &+ 1
        var ok = at >= term.start
        // Skip the impacts.
        if ok, let n = VarInt.read(section.p, &at, limit), n <= PostingsFormat.maxImpacts {
            for _ in 0..<(2 * n) where ok { ok = VarInt.read(section.p, &at, limit) != nil }
        } else {
            ok = false
        }
        guard ok, VarInt.read(section.p, &at, limit, count: count, into: rows), VarInt.read(section.p, &at, limit, count: count, into: tfs) else {
            block = term.blocks
            row = Self.end
            return
        }
        // Gaps to rows: each gap counts from the row after the previous one.
        for i in 0..<count {
            rows[i] = previous &+ rows[i]
            previous = rows[i] &+ 1
        }
        row = rows[0]
        frequency = tfs[0]
    }

    /// Moves to the next row.
    @inline(__always)
    public func next() {
        guard row != Self.end else { return }
        position += 1
        if position < count {
            row = rows[position]
            frequency = tfs[position]
        } else {
            load(block + 1)
        }
    }

    /// Moves to the first row at or after `target`.
    public func advance(to target: UInt32) {
        guard row != Self.end, row < target else { return }
        if blockBound(block).last < target {
            guard let b = blockHolding(target) else {
                load(term.blocks)
                return
            }
            load(b)
        }
        while row < target { next() }
    }
}

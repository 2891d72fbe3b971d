import Synchronization

/// How much of a quantised walk's result list is re-scored with the f32 rows. The walk ranks `ef`
/// candidates by their int8 (or f16) distances; re-scoring the best `perResult × k` of them in f32 fixes
/// the order of the k returned. Re-scoring more changes almost nothing (on 1M docs384-derived vectors,
/// recall@10 0.9606 at 2k against 0.9608 at all 64), and each re-scored row is a random read of the f32
/// section, which is most of a segment's bytes: under a memory limit smaller than the segment those reads
/// go to disk. `perResult = 0` re-scores nothing: the f32 rows are never read, so only the traversal copy
/// and the graph need to stay resident, at some recall (0.9514 at ef 64 on the same set).
public enum Rescoring {
    private static let factor = Atomic<Int>(2)

    /// Rows re-scored per requested result (default 2; 0 for none). Process-wide, set at start-up.
    public static var perResult: Int {
        get { factor.load(ordering: .relaxed) }
        set { factor.store(max(0, newValue), ordering: .relaxed) }
    }

    /// How many of a walk's `ef` best candidates to re-score for `k` results, at `perResult` per result.
    static func depth(k: Int, ef: Int, perResult f: Int) -> Int {
        let (product, overflow) = f.multipliedReportingOverflow(by: k)
        return overflow ? max(ef, k) : min(max(ef, k), product)
    }
}

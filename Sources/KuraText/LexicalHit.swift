/// One lexical hit: an id (a chunk's) and its BM25 score, higher is better, with where its row lies: the
/// index of its part among those searched, and its row there.
public struct LexicalHit: Sendable, Equatable {
    /// The row's id (a chunk's).
    public var id: Int64
    /// Its BM25 score.
    public var score: Float
    /// The index of its part among those searched.
    public var part: Int
    /// Its row in that part.
    public var row: UInt32

    /// A hit with the fields above.
    public init(id: Int64, score: Float, part: Int = 0, row: UInt32 = 0) {
        self.id = id
        self.score = score
        self.part = part
        self.row = row
    }
}

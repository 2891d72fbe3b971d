/// A part of a collection's lexical index with what its rows are: `id(row)` gives a row's id, or nil
/// when the row is deleted or filtered out.
public struct LexicalPart {
    let index: LexicalIndex
    let id: (UInt32) -> Int64?

    /// A part over `index`, naming rows with `id`.
    public init(_ index: LexicalIndex, id: @escaping (UInt32) -> Int64?) {
        self.index = index
        self.id = id
    }

    /// A part over a sealed segment's postings section.
    public init(section: PostingsSection, id: @escaping (UInt32) -> Int64?) { self.init(.section(section), id: id) }

    /// A part over a growing graph's in-memory index.
    public init(memory: InvertedIndex, id: @escaping (UInt32) -> Int64?) { self.init(.memory(memory), id: id) }

    var stats: LexicalStats { index.stats }

    func df(_ term: String) -> Int { index.df(term) }
}

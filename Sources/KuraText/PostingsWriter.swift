/// Writes an in-memory index as a postings section (see ``PostingsFormat``).
public enum PostingsWriter {
    public static func write(_ index: InvertedIndex) -> [UInt8] {
        let sorted = index.terms.map { (Array($0.key.utf8), $0.value) }.sorted { $0.0.lexicographicallyPrecedes($1.0) }
        var termBytes: [UInt8] = []
        var postings: [UInt8] = []
        var table: [UInt8] = []
        table.reserveCapacity(sorted.count * PostingsFormat.termEntrySize)
        for (bytes, id) in sorted {
            let list = index.lists[id]
            let start = postings.count
            appendPostings(list, lengths: index.lengths, to: &postings)
            let blocks = (list.rows.count + PostingsFormat.blockSize - 1) / PostingsFormat.blockSize
            put32(UInt32(termBytes.count), &table)
            put32(UInt32(bytes.count), &table)
            put32(UInt32(list.rows.count), &table)
            put32(UInt32(blocks), &table)
            put64(UInt64(start), &table)
            termBytes += bytes
        }
        var out: [UInt8] = []
        let termTable = PostingsFormat.headerSize
        let termBytesAt = termTable + table.count
        let postingsAt = align8(termBytesAt + termBytes.count)
        let lengthsAt = align8(postingsAt + postings.count)
        let rowDocumentsAt = lengthsAt + 4 * index.rows
        let documentsAt = align8(rowDocumentsAt + 4 * index.rows)
        put32(PostingsFormat.magic, &out)
        put32(PostingsFormat.version, &out)
        put32(UInt32(index.rows), &out)
        put32(UInt32(sorted.count), &out)
        put64(UInt64(index.totalLength), &out)
        put32(UInt32(PostingsFormat.blockSize), &out)
        put32(UInt32(index.documentIDs.count), &out)
        for offset in [termTable, termBytesAt, postingsAt, lengthsAt, rowDocumentsAt, documentsAt] { put64(UInt64(offset), &out) }
        out += table
        out += termBytes
        out += [UInt8](repeating: 0, count: postingsAt - out.count)
        out += postings
        out += [UInt8](repeating: 0, count: lengthsAt - out.count)
        for l in index.lengths { put32(l, &out) }
        for d in index.rowDocuments { put32(d, &out) }
        out += [UInt8](repeating: 0, count: documentsAt - out.count)
        for (id, length) in zip(index.documentIDs, index.documentLengths) {
            put64(UInt64(bitPattern: id), &out)
            put32(length, &out)
            put32(0, &out)
        }
        return out
    }

    /// A term's block table and blocks.
    static func appendPostings(_ list: InvertedIndex.PostingList, lengths: [UInt32], to out: inout [UInt8]) {
        let start = out.count
        let n = list.rows.count
        let blocks = (n + PostingsFormat.blockSize - 1) / PostingsFormat.blockSize
        out += [UInt8](repeating: 0, count: blocks * PostingsFormat.blockEntrySize)
        var previous: UInt32 = 0
        var first = true
        for b in 0..<blocks {
            let range = (b * PostingsFormat.blockSize)..<min(n, (b + 1) * PostingsFormat.blockSize)
            let dataOffset = out.count - start
            var maxTF: UInt32 = 0
            var minLength = UInt32.max
            let impacts = impacts(range.map { (list.frequencies[$0], lengths[Int(list.rows[$0])]) })
            VarInt.append(UInt32(impacts.count), to: &out)
            for (tf, length) in impacts {
                VarInt.append(tf, to: &out)
                VarInt.append(length, to: &out)
            }
            for i in range {
                let row = list.rows[i]
                VarInt.append(first ? row : row - previous - 1, to: &out)
                first = false
                previous = row
                maxTF = max(maxTF, list.frequencies[i])
                minLength = min(minLength, lengths[Int(row)])
            }
            for i in range { VarInt.append(list.frequencies[i], to: &out) }
            var entry: [UInt8] = []
            put32(previous, &entry)
            put32(UInt32(dataOffset), &entry)
            put32(maxTF, &entry)
            put32(minLength, &entry)
            out.replaceSubrange((start + b * PostingsFormat.blockEntrySize)..<(start + (b + 1) * PostingsFormat.blockEntrySize), with: entry)
        }
    }

    /// The block's impacts: the (frequency, length) pairs no other row beats on both (more frequent and
    /// shorter), at most `PostingsFormat.maxImpacts`; the best score of any row is the best of theirs. Past
    /// the cap the rest fold into one pair of their largest frequency and smallest length, still a bound.
    static func impacts(_ rows: [(tf: UInt32, length: UInt32)]) -> [(UInt32, UInt32)] {
        var frontier: [(UInt32, UInt32)] = []
        var shortest = UInt32.max
        for r in rows.sorted(by: { $0.tf != $1.tf ? $0.tf > $1.tf : $0.length < $1.length }) where r.length < shortest {
            frontier.append((r.tf, r.length))
            shortest = r.length
        }
        guard frontier.count > PostingsFormat.maxImpacts else { return frontier }
        let rest = frontier[(PostingsFormat.maxImpacts - 1)...]
        return Array(frontier.prefix(PostingsFormat.maxImpacts - 1)) + [(rest.map(\.0).max()!, rest.map(\.1).min()!)]
    }

    static func put32(_ v: UInt32, _ out: inout [UInt8]) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
    static func put64(_ v: UInt64, _ out: inout [UInt8]) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
    static func align8(_ x: Int) -> Int { (x + 7) & ~7 }
}

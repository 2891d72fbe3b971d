import KuraCore

/// Writes postings sections (see ``PostingsFormat``): from an in-memory index, or by merging other
/// sections term by term.
public enum PostingsWriter {
    /// The section of an in-memory index.
    /// - Throws: nothing in practice (the section is built in memory); the type is shared with merges.
    public static func write(_ index: InvertedIndex) throws -> [UInt8] {
        let sorted = index.terms.map { (Array($0.key.utf8), $0.value) }.sorted { $0.0.lexicographicallyPrecedes($1.0) }
        var body = try Body(spillingTo: nil)
        for (bytes, id) in sorted { body.append(bytes, index.lists[id], lengths: index.lengths) }
        return try body.finish(index).joined()
    }

    /// The section `write(InvertedIndex(merging: parts))` writes, byte for byte, and its row count,
    /// without the merged postings in memory: terms are merged in byte order from each part's sorted
    /// dictionary and each term's list is encoded once complete, so besides the output only one term's
    /// postings and the row tables are held. (The in-memory merge held every posting as two UInt32s and
    /// an object per term: gigabytes at 10M rows.) With `directory`, the output itself goes to unlinked
    /// spill files there a few MB at a time (see ``SpillFile``), so the section is never in anonymous memory.
    /// - Throws: `KuraError.corruptFile` when a part's terms are not in strictly ascending byte order or
    ///   an entry is damaged; `KuraError.io` when a spill file cannot be written.
    public static func write(
        merging parts: [(index: LexicalIndex, keep: (UInt32) -> Bool)], spillingTo directory: String? = nil, spillEvery: Int = 4 << 20
    ) throws -> WrittenPostings {
        let (rows, maps) = InvertedIndex.mergingRows(of: parts)
        var streams = try parts.map { try TermStream($0.index) }
        var body = try Body(spillingTo: directory, every: spillEvery)
        var list = InvertedIndex.PostingList()
        while let next = streams.compactMap(\.current).min(by: { $0.lexicographicallyPrecedes($1) }) {
            list.rows.removeAll(keepingCapacity: true)
            list.frequencies.removeAll(keepingCapacity: true)
            for i in streams.indices where streams[i].current == next {
                streams[i].postings { row, tf in
                    let r = Int(row) < maps[i].count ? maps[i][Int(row)] : .max
                    if r != .max {
                        list.rows.append(r)
                        list.frequencies.append(tf)
                    }
                }
                try streams[i].advance()
            }
            if !list.rows.isEmpty {
                body.append(next, list, lengths: rows.lengths)
                try body.spillIfFull()
            }
        }
        return try body.finish(rows)
    }

    /// Bytes appended in order, held in memory or, past `threshold`, moved to a spill file.
    struct Sink {
        var buffer: [UInt8] = []
        let file: SpillFile?
        let threshold: Int
        var count: Int { (file?.count ?? 0) + buffer.count }

        mutating func spillIfFull() throws {
            guard let file, buffer.count >= threshold else { return }
            try buffer.withUnsafeBytes { try file.append($0) }
            buffer.removeAll(keepingCapacity: true)
        }

        mutating func pad(toMultipleOf n: Int) { buffer += [UInt8](repeating: 0, count: (n - count % n) % n) }

        consuming func finish() throws -> WrittenPostings.Piece {
            guard let file else { return .memory(buffer) }
            try buffer.withUnsafeBytes { try file.append($0) }
            return .spill(file)
        }
    }

    /// The term table, term bytes and postings, appended to term by term in byte order.
    struct Body {
        var table: Sink, termBytes: Sink, postings: Sink
        let directory: String?, threshold: Int
        var terms = 0

        init(spillingTo directory: String?, every threshold: Int = 4 << 20) throws {
            func sink() throws -> Sink { Sink(file: try directory.map { try SpillFile(directory: $0) }, threshold: threshold) }
            (table, termBytes, postings) = (try sink(), try sink(), try sink())
            (self.directory, self.threshold) = (directory, threshold)
        }

        mutating func append(_ term: [UInt8], _ list: InvertedIndex.PostingList, lengths: [UInt32]) {
            let start = postings.count
            appendPostings(list, lengths: lengths, to: &postings.buffer)
            let blocks = (list.rows.count + PostingsFormat.blockSize - 1) / PostingsFormat.blockSize
            put32(UInt32(termBytes.count), &table.buffer)
            put32(UInt32(term.count), &table.buffer)
            put32(UInt32(list.rows.count), &table.buffer)
            put32(UInt32(blocks), &table.buffer)
            put64(UInt64(start), &table.buffer)
            termBytes.buffer += term
            terms += 1
        }

        mutating func spillIfFull() throws {
            try table.spillIfFull()
            try termBytes.spillIfFull()
            try postings.spillIfFull()
        }

        /// The whole section, with the row and document tables of `rows`: the header, then the pieces.
        consuming func finish(_ rows: InvertedIndex) throws -> WrittenPostings {
            termBytes.pad(toMultipleOf: 8)
            postings.pad(toMultipleOf: 8)
            let termTable = PostingsFormat.headerSize
            let termBytesAt = termTable + table.count
            let postingsAt = termBytesAt + termBytes.count
            let lengthsAt = postingsAt + postings.count
            let rowDocumentsAt = lengthsAt + 4 * rows.rows
            let documentsAt = align8(rowDocumentsAt + 4 * rows.rows)
            var header: [UInt8] = []
            put32(PostingsFormat.magic, &header)
            put32(PostingsFormat.version, &header)
            put32(UInt32(rows.rows), &header)
            put32(UInt32(terms), &header)
            put64(UInt64(rows.totalLength), &header)
            put32(UInt32(PostingsFormat.blockSize), &header)
            put32(UInt32(rows.documentIDs.count), &header)
            for offset in [termTable, termBytesAt, postingsAt, lengthsAt, rowDocumentsAt, documentsAt] { put64(UInt64(offset), &header) }
            var tail = Sink(file: try directory.map { try SpillFile(directory: $0) }, threshold: threshold)
            for (i, l) in rows.lengths.enumerated() {
                put32(l, &tail.buffer)
                if i % 65536 == 0 { try tail.spillIfFull() }
            }
            for (i, d) in rows.rowDocuments.enumerated() {
                put32(d, &tail.buffer)
                if i % 65536 == 0 { try tail.spillIfFull() }
            }
            tail.pad(toMultipleOf: 8)
            for (i, (id, length)) in zip(rows.documentIDs, rows.documentLengths).enumerated() {
                put64(UInt64(bitPattern: id), &tail.buffer)
                put32(length, &tail.buffer)
                put32(0, &tail.buffer)
                if i % 65536 == 0 { try tail.spillIfFull() }
            }
            let pieces = [.memory(header), try table.finish(), try termBytes.finish(), try postings.finish(), try tail.finish()]
            return WrittenPostings(rows: rows.rows, pieces: pieces)
        }
    }

    /// One part's terms in byte order, with the postings of the current one.
    struct TermStream {
        private let index: LexicalIndex
        private let sorted: [(bytes: [UInt8], id: Int)]
        private var position = -1
        /// The current term's entry, for a section.
        private var entry: PostingsSection.Term?
        private(set) var current: [UInt8]?

        init(_ index: LexicalIndex) throws {
            self.index = index
            if case .memory(let m) = index {
                sorted = m.terms.map { (Array($0.key.utf8), $0.value) }.sorted { $0.bytes.lexicographicallyPrecedes($1.bytes) }
            } else {
                sorted = []
            }
            try advance()
        }

        /// Calls `body` with each row of the current term and its frequency, in row order.
        func postings(_ body: (UInt32, UInt32) -> Void) {
            switch index {
            case .section(let s):
                guard let entry else { return }
                let c = s.cursor(entry)
                while c.row != PostingsCursor.end {
                    body(c.row, c.frequency)
                    c.next()
                }
            case .memory(let m):
                let list = m.lists[sorted[position].id]
                for (r, tf) in zip(list.rows, list.frequencies) { body(r, tf) }
            }
        }

        mutating func advance() throws {
            position += 1
            let previous = current
            switch index {
            case .section(let s):
                guard position < s.termCount else { return current = nil }
                guard let t = s.term(at: position) else { throw Self.damaged("term \(position)'s entry is damaged") }
                (current, entry) = (Array(t.bytes), t.entry)
            case .memory:
                current = position < sorted.count ? sorted[position].bytes : nil
            }
            if let previous, let current, !previous.lexicographicallyPrecedes(current) {
                throw Self.damaged("terms out of byte order at term \(position)")
            }
        }

        static func damaged(_ why: String) -> KuraError { .corruptFile(path: "postings", reason: "postings section: \(why)") }
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

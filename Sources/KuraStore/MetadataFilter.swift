import GRDB
import KuraCore

/// A filter on document metadata, as the API takes it:
/// `{"field": value}`, `{"field": {"$in": [...]}}`, `{"field": {"$gt" | "$gte" | "$lt" | "$lte": number}}`,
/// `{"$and": [filter, ...]}`; several keys in one object must all hold. A dotted field reaches into
/// nested objects. It compiles to SQL over the catalog, so it selects chunks before the vector search.
public indirect enum MetadataFilter: Sendable, Equatable {
    case equals(field: String, value: JSONValue)
    case within(field: String, values: [JSONValue])
    case compare(field: String, op: String, value: Double)
    case all([MetadataFilter])

    /// Parses the API's filter object.
    /// - Throws: `KuraError.invalidArgument` for anything that is not a filter of the forms above.
    public init(json: JSONValue) throws {
        guard case .object(let o) = json else { throw KuraError.invalidArgument("filter must be a JSON object") }
        var parts: [MetadataFilter] = []
        for (key, value) in o.sorted(by: { $0.key < $1.key }) {
            if key == "$and" {
                guard case .array(let list) = value else { throw KuraError.invalidArgument("$and takes an array of filters") }
                parts.append(.all(try list.map(MetadataFilter.init(json:))))
                continue
            }
            guard !key.hasPrefix("$") else { throw KuraError.invalidArgument("unknown filter operator \(key); use $and, $in, $gt, $gte, $lt, $lte") }
            try Self.checkField(key)
            if case .object(let ops) = value {
                for (op, operand) in ops.sorted(by: { $0.key < $1.key }) { parts.append(try Self.operation(key, op, operand)) }
            } else {
                guard Self.isScalar(value) else { throw KuraError.invalidArgument("filter on \(key): compare with a string, number, boolean or null") }
                parts.append(.equals(field: key, value: value))
            }
        }
        self = parts.count == 1 ? parts[0] : .all(parts)
    }

    static func operation(_ field: String, _ op: String, _ operand: JSONValue) throws -> MetadataFilter {
        switch op {
        case "$in":
            guard case .array(let values) = operand, values.allSatisfy(isScalar) else {
                throw KuraError.invalidArgument("filter on \(field): $in takes an array of strings, numbers or booleans")
            }
            return .within(field: field, values: values)
        case "$eq":
            return .equals(field: field, value: operand)
        case "$gt", "$gte", "$lt", "$lte":
            guard case .number(let n) = operand else { throw KuraError.invalidArgument("filter on \(field): \(op) takes a number") }
            return .compare(field: field, op: op, value: n)
        default:
            throw KuraError.invalidArgument("filter on \(field): unknown operator \(op); use $in, $gt, $gte, $lt, $lte")
        }
    }

    static func isScalar(_ v: JSONValue) -> Bool {
        switch v {
        case .string, .number, .bool, .null: true
        default: false
        }
    }

    static func checkField(_ f: String) throws {
        let ok = !f.isEmpty && f.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || "_-.".unicodeScalars.contains($0) }
        guard ok else { throw KuraError.invalidArgument("filter field '\(f)' may hold only letters, digits, '_', '-' and '.'") }
    }

    /// A SQL condition on `d.metadata` and its arguments.
    func sql() -> (String, [DatabaseValueConvertible?]) {
        func path(_ f: String) -> String { "json_extract(d.metadata, ?)" }
        func jsonPath(_ f: String) -> String { "$." + f.split(separator: ".").map { "\"\($0)\"" }.joined(separator: ".") }
        switch self {
        case .equals(let f, .null):
            return ("\(path(f)) IS NULL", [jsonPath(f)])
        case .equals(let f, let v):
            return ("\(path(f)) = ?", [jsonPath(f), Self.sqlValue(v)])
        case .within(let f, let values):
            let marks = Array(repeating: "?", count: values.count).joined(separator: ",")
            return values.isEmpty ? ("0", []) : ("\(path(f)) IN (\(marks))", [jsonPath(f)] + values.map(Self.sqlValue))
        case .compare(let f, let op, let n):
            let sqlOp = ["$gt": ">", "$gte": ">=", "$lt": "<", "$lte": "<="][op]!
            return ("(typeof(\(path(f))) IN ('integer','real') AND \(path(f)) \(sqlOp) ?)", [jsonPath(f), jsonPath(f), n])
        case .all(let parts):
            if parts.isEmpty { return ("1", []) }
            let compiled = parts.map { $0.sql() }
            return ("(" + compiled.map(\.0).joined(separator: " AND ") + ")", compiled.flatMap(\.1))
        }
    }

    static func sqlValue(_ v: JSONValue) -> DatabaseValueConvertible? {
        switch v {
        case .string(let s): s
        case .number(let n): n
        case .bool(let b): b ? 1 : 0  // json_extract gives 1/0 for true/false
        default: nil
        }
    }
}

extension DocumentCollection {
    /// The chunks of documents matching `filter`.
    public func chunkIDs(matching filter: MetadataFilter) throws -> Set<Int64> {
        let (condition, args) = filter.sql()
        return try store.db.read { db in
            Set(
                try Int64.fetchAll(
                    db, sql: "SELECT c.id FROM chunk c JOIN document d ON d.id = c.document_id WHERE c.collection_id = ? AND \(condition)",
                    arguments: StatementArguments([info.id] + args)))
        }
    }
}

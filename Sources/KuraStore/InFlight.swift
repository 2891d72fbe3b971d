import Synchronization

/// What this process is writing in a data directory and has not recorded in the catalog yet: segment
/// files being sealed or compacted, and collections a load is staging. A store opened on the directory
/// while another store of this process works there sweeps crash leftovers, and must not take these for
/// them. Keys are the directory's resolved path and the item's path relative to it.
enum InFlight {
    private static let items = Mutex<[String: Int]>([:])

    /// Marks `item` (relative to `directory`) as being written until the returned token's `end()`.
    static func begin(_ directory: String, _ item: String) -> Token {
        let key = DirectoryLock.key(directory) + "/" + item
        items.withLock { $0[key, default: 0] += 1 }
        return Token(key: key)
    }

    static func contains(_ directory: String, _ item: String) -> Bool {
        let key = DirectoryLock.key(directory) + "/" + item
        return items.withLock { $0[key] != nil }
    }

    /// Runs `body` with nothing beginning or ending meanwhile, handing it a test for items in flight. A
    /// sweep reads the catalog again inside it: an item that ended before was recorded (or abandoned),
    /// and one in flight is skipped, so nothing recorded after the sweep's first look is taken for an orphan.
    /// `body` must not write to the catalog: a writer may be waiting to end an item.
    static func holding<T>(_ directory: String, _ body: ((String) -> Bool) throws -> T) rethrows -> T {
        let prefix = DirectoryLock.key(directory) + "/"
        return try items.withLock { items in try body { items[prefix + $0] != nil } }
    }

    struct Token: Sendable {
        let key: String
        func end() {
            InFlight.items.withLock { items in
                if let n = items[key], n > 1 { items[key] = n - 1 } else { items[key] = nil }
            }
        }
    }
}

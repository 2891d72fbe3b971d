import Foundation

/// Instances of a C object that is not thread-safe (an ICU iterator, a stemmer, a MeCab tagger), each
/// lent to one caller at a time and kept for the next. The pool grows to the number of threads that
/// ever used it at once; instances live as long as the process.
final class Pool<Element>: @unchecked Sendable {
    private var idle: [Element] = []
    private let lock = NSLock()
    private let make: () -> Element?

    init(_ make: @escaping () -> Element?) { self.make = make }

    /// Runs `body` with an instance, or returns nil when none could be made.
    func with<T>(_ body: (Element) -> T) -> T? {
        lock.lock()
        let taken = idle.popLast()
        lock.unlock()
        guard let element = taken ?? make() else { return nil }
        defer {
            lock.lock()
            idle.append(element)
            lock.unlock()
        }
        return body(element)
    }
}

import Foundation
import Hummingbird
import KuraCore
import KuraRetrieval
import KuraStore

/// The one checked conversion for numbers from outside.
enum Checked {
    /// `value` as an integer in `range`, or an error naming `field`: fractions, non-finite values and
    /// values beyond `range` (whatever their size) are refused.
    static func integer(_ value: Double, field: String, in range: ClosedRange<Int>) throws -> Int {
        guard let i = Int(exactly: value) else {
            throw APIError.field(field, "must be an integer \(describe(range)), got \(value)")
        }
        return try integer(i, field: field, in: range)
    }

    static func integer(_ value: Int, field: String, in range: ClosedRange<Int>) throws -> Int {
        guard range.contains(value) else { throw APIError.field(field, "must be an integer \(describe(range)), got \(value)") }
        return value
    }

    static func number(_ value: Double, field: String, in range: ClosedRange<Double>) throws -> Double {
        guard range.contains(value) else { throw APIError.field(field, "must be a number between \(range.lowerBound) and \(range.upperBound), got \(value)") }
        return value
    }

    static func describe(_ range: ClosedRange<Int>) -> String {
        switch (range.lowerBound, range.upperBound) {
        case (.min, .max): "of 64 bits"
        case (let lo, .max): "of at least \(lo)"
        default: "between \(range.lowerBound) and \(range.upperBound)"
        }
    }
}

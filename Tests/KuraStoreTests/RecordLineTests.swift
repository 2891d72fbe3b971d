import Foundation
import KuraCore
import KuraTesting
import Testing

@testable import KuraStore

/// `RecordLine` reads the usual `--vectors` line directly; it must give exactly what JSONDecoder gives
/// (same floats, same canonical metadata, same content hash) and leave every other line to it.
struct RecordLineTests {
    @Test func theDirectReaderAgreesWithJSONDecoder() throws {
        var rng = SeededRandom(seed: 7)
        let formats: [(Float) -> String] = [
            { "\($0)" }, { String(format: "%.6f", $0) }, { String(format: "%.9e", $0) }, { String(format: "%.3E", $0) },
            { String(format: "%.17g", Double($0)) }, { String(Int($0 * 1000)) },
        ]
        for n in 0..<300 {
            let values = (0..<(1 + n % 40)).map { _ in Float(rng.int(-1_000_000...1_000_000)) / Float(rng.int(1...100_000)) }
            let numbers = values.enumerated().map { formats[($0.offset + n) % formats.count]($0.element) }
            let metadata = n % 3 == 0 ? #"{"z": [1, {"b": "x\"y"}], "a": null}"# : (n % 3 == 1 ? "{ }" : #"{"k":"v"}"#)
            let space = n % 2 == 0 ? "" : " \t"
            let vector = numbers.joined(separator: ",\(space)")
            let line = #"{\#(space)"id":"d\#(n)","text":"ünïcode \#(n)","metadata":\#(metadata),"vector":[\#(vector)]\#(space)}"#
            let fast = try #require(try RecordLine.parse(Array(line.utf8)), "\(line)")
            let slow = try Record(decodingJSONLine: Substring(line))
            #expect(fast == slow, "\(line)")
            #expect(fast.contentHash == slow.contentHash)
        }
    }

    @Test func otherLinesAreLeftToJSONDecoder() throws {
        let declined = [
            #"{"id":"a\"b","text":"t","vector":[1]}"#,  // an escape
            #"{"id":"a","text":null,"vector":[1]}"#,
            #"{"id":"a","id":"b","text":"t","vector":[1]}"#,
            #"{"id":"a","text":"t","vector":[01]}"#,  // not JSON
            #"{"id":"a","text":"t","vector":[1e99]}"#,  // not a Float
            #"{"id":"a","text":"t","vector":[]}"#,
            #"{"id":"","text":"t","vector":[1]}"#,
            #"{"id":"a","text":"t","metadata":[1],"vector":[1]}"#,
            #"{"id":"a","text":"t","vector":[1]} x"#,
            #"{"id":"a","text":"t","vector":[1,]}"#,
            #"{"text":"t","vector":[1]}"#,
            #"{"id":"a","text":"t","other":1,"vector":[1]}"#,  // another key
            #"{"id":"a","text":"t","metadata":{{}},"vector":[1]}"#,  // not JSON
            #"{"id":"a","text":"t","metadata":{"k":tru},"vector":[1]}"#,
            "not json",
        ]
        for line in declined { #expect(try RecordLine.parse(Array(line.utf8)) == nil, "\(line)") }
        // Through the public entry, the ones that are valid JSON still parse, and the rest fail with JSONDecoder's message.
        #expect(try Record(jsonLine: #"{"id":"a\"b","text":"t","vector":[1]}"#).id == "a\"b")
        #expect(throws: KuraError.self) { try Record(jsonLine: #"{"id":"a","text":"t","vector":[1e99]}"#) }
        #expect(throws: KuraError.self) { try Record(jsonLine: #"{"id":"a","text":"t","metadata":[1],"vector":[1]}"#) }
        #expect(throws: KuraError.self) { try Record(jsonLine: #"{"id":"a","text":"t","metadata":{{}},"vector":[1]}"#) }
        #expect(try Record(jsonLine: #"{"id":"a","text":"t","other":[1,{"x":"]"}],"vector":[1]}"#).id == "a")
    }
}

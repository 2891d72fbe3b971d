import Testing

@testable import KuraText

/// Golden term lists for each analyzer, and the query side agreeing with the index side.
@Suite struct AnalyzerTests {
    func terms(_ name: AnalyzerName, _ text: String) throws -> [String] { try name.make().terms(text) }

    /// Bigrams of `auto` printed without their mark, for reading.
    func readable(_ terms: [String]) -> [String] { terms.map { $0.first == Terms.bigramMark ? "~" + $0.dropFirst() : $0 } }

    @Test func standardIsWordsFoldedAndStemmed() throws {
        #expect(
            try terms(.standard, "Running runners RAN to the Kubernetes nodes; don't panic!") == [
                "run", "runner", "ran", "to", "the", "kubernet", "node", "don't", "panic",
            ])
        #expect(try terms(.standardNoStem, "Running runners") == ["running", "runners"])
        // Full-width forms, ligatures and case all fold to the plain word.
        #expect(try terms(.standardNoStem, "ＫＵＢＥＣＴＬ １２３ ﬁle Straße") == ["kubectl", "123", "file", "strasse"])
        #expect(try terms(.standard, "v1.28.3 _exit() foo_bar 3.14") == ["v1.28.3", "_exit", "foo_bar", "3.14"])
        #expect(try terms(.standard, "") == [] && terms(.standard, " ,.!? ") == [])
        #expect(try terms(.standard, String(repeating: "x", count: 65) + " ok") == ["ok"])
    }

    @Test func japaneseIsMeCabInSearchMode() throws {
        #expect(
            try terms(.ja, "DeepSeekのオープンソース化は、多くの開発者に歓迎された。") == [
                "deepseek", "オープン", "ソース", "化", "オープンソース化", "多く", "開発", "者", "開発者", "歓迎", "する", "れる",
            ])
        // Half-width katakana and full-width Latin are folded first.
        #expect(try terms(.ja, "ｵｰﾌﾟﾝｿｰｽ") == terms(.ja, "オープンソース"))
        #expect(try terms(.ja, "子プロセスを作成する") == ["子", "プロセス", "子プロセス", "作成", "する"])
    }

    @Test func cjkIsBigramsInsideRuns() throws {
        #expect(try terms(.cjk, "我们的数据库") == ["我们", "们的", "的数", "数据", "据库"])
        #expect(try terms(.cjk, "한국어 검색 engine") == ["한국", "국어", "검색", "engin"])
        #expect(try terms(.cjk, "Kuraは高速") == ["kura", "は高", "高速"])
        #expect(try terms(.cjk, "猫") == ["猫"])
    }

    @Test func autoGivesBigramsAndWordsForCJKAndStandardElsewhere() throws {
        #expect(try readable(terms(.auto, "Running オープンソース")) == ["run", "~オー", "~ープ", "~プン", "~ンソ", "~ソー", "~ース", "オープン", "ソース", "オープンソース"])
        #expect(try readable(terms(.auto, "한국어")) == ["~한국", "~국어"])
    }

    /// A query and the text it should find share terms under every analyzer, whatever surrounds them.
    @Test func queriesMatchWhatWasIndexed() throws {
        let document = "DeepSeekのオープンソース化は、多くの開発者に歓迎された。"
        for name in AnalyzerName.allCases where name != .standard && name != .standardNoStem {
            let indexed = Set(try terms(name, document))
            #expect(!Set(try terms(name, "オープンソース")).isDisjoint(with: indexed), "\(name)")
            #expect(!Set(try terms(name, "ｄｅｅｐｓｅｅｋ")).isDisjoint(with: indexed), "\(name)")
        }
        #expect(Set(try terms(.standard, "running node")).isSubset(of: Set(try terms(.standard, "The Nodes were RUNNING"))))
    }
}

import Foundation

/// The `kura` executable built beside the test bundle (or in this checkout's .build), for tests that
/// run it as scripts and operators do.
public enum KuraBinary {
    public static var path: String? {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("kura").path,
            root.appendingPathComponent(".build/release/kura").path, root.appendingPathComponent(".build/debug/kura").path,
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

import Foundation

/// The `kura` executable built beside the test bundle (or in this checkout's .build), for tests that
/// run it as scripts and operators do.
public enum KuraBinary {
    /// The first executable found of: beside the running binary, then this checkout's release and debug builds.
    public static var path: String? {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("kura").path,
            root.appendingPathComponent(".build/release/kura").path, root.appendingPathComponent(".build/debug/kura").path,
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// What a run of the executable left: its exit status, standard output and standard error.
    public struct Output: Sendable {
        /// The exit status.
        public var status: Int32
        /// Standard output, as UTF-8.
        public var out: String
        /// Standard error, as UTF-8.
        public var err: String
    }

    /// Runs `kura args` with `stdin` as its input and waits for it; blocks the calling thread.
    /// - Throws: when there is no built executable or it cannot be started.
    public static func run(_ args: [String], stdin: String = "") throws -> Output {
        guard let path else { throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "build kura first"]) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
        let input = Pipe(), out = Pipe(), err = Pipe()
        p.standardInput = input
        p.standardOutput = out
        p.standardError = err
        try p.run()
        input.fileHandleForWriting.write(Data(stdin.utf8))
        try input.fileHandleForWriting.close()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Output(status: p.terminationStatus, out: String(decoding: o, as: UTF8.self), err: String(decoding: e, as: UTF8.self))
    }
}

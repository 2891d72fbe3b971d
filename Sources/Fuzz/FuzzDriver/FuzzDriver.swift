/// SwiftPM links an executable's `main` to `<Target>_main`, so each fuzz target defines that symbol and
/// hands control to libFuzzer's driver here with its test function.
public typealias FuzzTest = @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32

/// Runs libFuzzer's driver with the process's arguments and `test`; returns the driver's exit status.
public func runFuzzer(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ test: FuzzTest) -> Int32 {
    var argc = argc
    var argv = argv
    return llvmFuzzerRunDriver(&argc, &argv, test)
}

@_silgen_name("LLVMFuzzerRunDriver")
private func llvmFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>, _ test: FuzzTest
) -> Int32

import Foundation
import KuraIndex

/// Gets full OpenBLAS speed without users knowing about `OPENBLAS_CORETYPE`: the library reads it only
/// when it loads, so when it picked a legacy SSE core on a CPU with AVX2/AVX-512, Kura re-executes
/// itself with the variable set. A value the user set is always respected. If the chosen core then
/// fails the sgemm self-test, Kura re-executes once more without it.
enum BLASStartup {
    static let marker = "KURA_BLAS_REEXEC"

    static func ensureFastCore() {
        let env = ProcessInfo.processInfo.environment
        if let chosen = env[marker] {
            if env["OPENBLAS_CORETYPE"] == chosen && !BLASRuntime.selfTest() {
                unsetenv("OPENBLAS_CORETYPE")
                reexec()
            }
            return
        }
        guard let core = BLASRuntime.suggestedCoreType(environment: env) else { return }
        setenv("OPENBLAS_CORETYPE", core, 1)
        setenv(marker, core, 1)
        reexec()
    }

    /// Replaces this process with a fresh copy of itself; returns only if that fails.
    private static func reexec() {
        execv("/proc/self/exe", CommandLine.unsafeArgv)
    }
}

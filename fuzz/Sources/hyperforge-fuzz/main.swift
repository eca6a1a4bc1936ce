import Glibc

// The fuzz driver: one executable for every target, chosen by
// HFORGE_FUZZ_TARGET (an environment variable rather than an argument, so
// that libFuzzer's own re-executions, e.g. -minimize_crash, keep it), then
// libFuzzer's command line as usual. scripts/fuzz.sh builds and runs it.
//
// SwiftPM links an executable with `--defsym main=<module>_main`, which
// replaces libFuzzer's own `main`; so this main hands the command line to
// libFuzzer through LLVMFuzzerRunDriver instead of defining
// LLVMFuzzerTestOneInput.

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<Int32>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32

/// The selected target's function, set once before libFuzzer starts.
nonisolated(unsafe) var selected: ([UInt8]) -> Void = { _ in }

let name = getenv("HFORGE_FUZZ_TARGET").map { String(cString: $0) } ?? ""
guard let target = FuzzTargets.all.first(where: { $0.name == name }) else {
    let names = FuzzTargets.all.map(\.name).joined(separator: " ")
    let message = Array("hyperforge-fuzz: set HFORGE_FUZZ_TARGET to one of: \(names)\n".utf8)
    _ = message.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    exit(2)
}
selected = target.run

var argc = CommandLine.argc
var argv = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in
    selected(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
})

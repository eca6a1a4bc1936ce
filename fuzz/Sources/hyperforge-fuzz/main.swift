import Glibc

// The fuzz driver: one executable for every target, chosen by
// HFORGE_FUZZ_TARGET (an environment variable rather than an argument, so
// that libFuzzer's own re-executions, e.g. -minimize_crash, keep it), then
// libFuzzer's command line as usual. scripts/fuzz.sh builds and runs it.
//
// SwiftPM links a release executable with `--defsym main=<module>_main`,
// which replaces libFuzzer's own `main`; so this main hands the command line
// to libFuzzer through LLVMFuzzerRunDriver. A debug build keeps libFuzzer's
// `main`, which calls LLVMFuzzerTestOneInput (Targets.swift) instead.

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<Int32>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32

_ = FuzzTargets.selected // an unknown target stops here, before libFuzzer starts
var argc = CommandLine.argc
var argv = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzOneInput(data, size) })

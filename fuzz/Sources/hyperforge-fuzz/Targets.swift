import Glibc

/// A fuzz target: a parser and what must hold for every input it is given.
/// Each `run` returns normally for any input (a typed error is a normal
/// return); a crash, a hang (libFuzzer's -timeout), a leak or a failed
/// `check` is a finding.
struct FuzzTarget: Sendable {
    let name: String
    let run: @Sendable ([UInt8]) -> Void
}

enum FuzzTargets {
    static let all: [FuzzTarget] = [
        FuzzTarget(name: "json", run: JSONTarget.run),
        FuzzTarget(name: "schema", run: SchemaTarget.run),
        FuzzTarget(name: "config", run: ConfigTarget.run),
        FuzzTarget(name: "auth", run: AuthTarget.run),
        FuzzTarget(name: "realm", run: RealmTarget.run),
        FuzzTarget(name: "semver", run: SemverTarget.run),
        FuzzTarget(name: "remote-url", run: RemoteURLTarget.run),
        FuzzTarget(name: "credential", run: CredentialTarget.run),
        FuzzTarget(name: "http", run: HTTPTarget.run),
    ]
}

extension FuzzTargets {
    /// The target HFORGE_FUZZ_TARGET names; an unknown name stops the program with the list.
    static let selected: FuzzTarget = {
        let name = getenv("HFORGE_FUZZ_TARGET").map { String(cString: $0) } ?? ""
        guard let target = all.first(where: { $0.name == name }) else {
            let message = Array("hyperforge-fuzz: set HFORGE_FUZZ_TARGET to one of: \(all.map(\.name).joined(separator: " "))\n".utf8)
            _ = message.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
            exit(2)
        }
        return target
    }()
}

/// One input for the selected target (libFuzzer's entry point when its own `main` runs).
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    FuzzTargets.selected.run(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
}

/// A property every input must keep; a failure stops the fuzzer with the input saved.
func check(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() {
        // Control characters (inputs are hostile) escaped, so the message is whole and readable.
        let text = message().unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? $0.escaped(asASCII: true) : String($0) }.joined()
        fatalError("property failed: \(text)")
    }
}

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

/// A property every input must keep; a failure stops the fuzzer with the input saved.
func check(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() {
        // Control characters (inputs are hostile) escaped, so the message is whole and readable.
        let text = message().unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? $0.escaped(asASCII: true) : String($0) }.joined()
        fatalError("property failed: \(text)")
    }
}

// Validation throughput of the JSON Schema validator in HyperforgeRealm, for
// benchmarks/check.sh, which runs the same work with Python's jsonschema.
// Parsing and compiling are not timed: only validation.
//
//   schema-bench --suite DIR --repeat N            the suite's required tests
//   schema-bench --schema FILE --document FILE --repeat N
//   schema-bench --pairs FILE --repeat N           compatibility of each pair
//       (benchmarks/compat.sh): [{"name", "old", "new", "backwards", "forwards"}];
//       one JSON line per pair with the verdict and the median milliseconds of
//       one comparison (compiling both schemas and comparing them both ways).
import Foundation
import HyperforgeCore
import HyperforgeRealm

func load(_ path: String) -> JSONValue {
    guard let data = FileManager.default.contents(atPath: path), let v = try? JSONParser.parse(Array(data), file: path) else {
        FileHandle.standardError.write(Data("schema-bench: cannot read \(path)\n".utf8))
        exit(2)
    }
    return v
}

let arguments = Array(CommandLine.arguments.dropFirst())
func option(_ name: String) -> String? {
    guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count else { return nil }
    return arguments[i + 1]
}
let repeatCount = Int(option("--repeat") ?? "1") ?? 1

func seconds(_ body: () throws -> Int) rethrows -> (Int, Double) {
    let start = DispatchTime.now().uptimeNanoseconds
    let n = try body()
    return (n, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
}

if let suite = option("--suite") {
    var remotes: [(String, JSONValue)] = []
    let root = suite + "/remotes"
    let walker = FileManager.default.enumerator(atPath: root)
    while let rel = walker?.nextObject() as? String {
        if rel.hasSuffix(".json") { remotes.append(("http://localhost:1234/" + rel, load(root + "/" + rel))) }
    }
    var cases: [(CompiledSchema, [JSONValue])] = []
    for (dir, draft) in [("draft2020-12", SchemaDraft.draft2020_12), ("draft7", .draft7)] {
        let path = suite + "/tests/" + dir
        for file in (try? FileManager.default.contentsOfDirectory(atPath: path))?.sorted() ?? [] where file.hasSuffix(".json") {
            guard case .array(let groups) = load(path + "/" + file) else { continue }
            for g in groups {
                guard let schema = g["schema"], case .array(let tests)? = g["tests"] else { continue }
                let registry = SchemaRegistry()
                for (uri, json) in remotes { registry.register(json, uri: uri) }
                guard let compiled = try? registry.compile(schema, draft: draft) else { continue }
                cases.append((compiled, tests.compactMap { $0["data"] }))
            }
        }
    }
    let (n, t) = try seconds {
        var n = 0
        for _ in 0..<repeatCount { for (schema, data) in cases { for d in data { _ = try schema.isValid(d); n += 1 } } }
        return n
    }
    print("{\"validations\": \(n), \"seconds\": \(t)}")
} else if let schemaPath = option("--schema"), let documentPath = option("--document") {
    let compiled = try SchemaRegistry().compile(load(schemaPath))
    let document = load(documentPath)
    var valid = false
    let (n, t) = try seconds {
        for _ in 0..<repeatCount { valid = try compiled.isValid(document) }
        return repeatCount
    }
    print("{\"validations\": \(n), \"seconds\": \(t), \"valid\": \(valid)}")
} else if let pairsPath = option("--pairs") {
    guard case .array(let pairs) = load(pairsPath) else { exit(2) }
    let registry = SchemaRegistry()
    for p in pairs {
        guard case .string(let name)? = p["name"], let old = p["old"], let new = p["new"] else { continue }
        let backwards = p["backwards"] == .bool(true), forwards = p["forwards"] == .bool(true)
        var times: [Double] = []
        var report: CompatibilityReport?
        for _ in 0..<repeatCount {
            let start = DispatchTime.now().uptimeNanoseconds
            let a = try registry.compile(old), b = try registry.compile(new)
            report = try SchemaCompatibility.compare(old: a, new: b, backwards: backwards, forwards: forwards)
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        times.sort()
        let witness = report?.witness(old: "old", new: "new")?.sentence ?? ""
        let line: JSONValue = .object(["name": .string(name), "verdict": .string(report?.verdict.rawValue ?? "-"),
                                       "median_ms": .number(times[times.count / 2]), "witness": .string(witness)])
        print(line.jsonText)
    }
} else {
    FileHandle.standardError.write(Data("usage: schema-bench --suite DIR [--repeat N] | --schema FILE --document FILE [--repeat N] | --pairs FILE [--repeat N]\n".utf8))
    exit(64)
}

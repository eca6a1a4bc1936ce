import HyperforgeCore
@testable import HyperforgeRealm

/// The realm's YAML files (written by other members): the generic reader,
/// then each kind of file. Whatever one of them accepts must write back
/// (`yaml()`, what realm writes commit) as a file that reads back and writes
/// the same again; a contract's schema and value survive JSON (the index,
/// scripts' input); its schema is compiled and its value validated, as
/// `git realm check` does.
enum RealmTarget {
    static func run(_ data: [UInt8]) {
        guard let text = String(validating: data, as: UTF8.self) else { return } // RealmSnapshot refuses other bytes
        guard (try? YAMLReader.document(text, file: "fuzz.yaml")) != nil else { return }
        if let m = try? RealmManifest.parse(text, file: "realm.yaml") { roundTrip(m, RealmManifest.parse, RealmManifest.yaml) }
        if let r = try? RepoRecord.parse(text, file: "repos/r.yaml") { roundTrip(r, RepoRecord.parse, RepoRecord.yaml) }
        if let d = try? DomainRecord.parse(text, file: "domains/d/domain.yaml") { roundTrip(d, DomainRecord.parse, DomainRecord.yaml) }
        if let b = try? Binding.parse(text, file: "domains/d/bindings/b.yaml") { roundTrip(b, Binding.parse, Binding.yaml) }
        if let c = try? Contract.parse(text, file: "domains/d/contracts/c.yaml") {
            roundTrip(c, Contract.parse, Contract.yaml)
            // The schema and value travel as JSON (the realm index, validation scripts' stdin).
            for (field, json) in [("schema", c.schema), ("value", c.value ?? .null)] {
                let text = json.jsonText
                check((try? JSONParser.parse(text, file: "index.json"))?.jsonEquals(json) == true,
                      "the contract's \(field) does not survive JSON: \(text)")
            }
            let registry = SchemaTarget.registry()
            if let compiled = try? ContractChecks.compile(c, domain: "d", registry: registry, label: "realm-working:d/c"), let value = c.value {
                _ = try? compiled.validate(value)
            }
        }
    }

    /// `value` written, read back and written again: the same text.
    static func roundTrip<T>(_ value: T, _ parse: (String, String) throws(RealmFileError) -> T, _ yaml: (T) -> () -> String) {
        let written = yaml(value)()
        let again: T
        do { again = try parse(written, "written.yaml") } catch {
            check(false, "a file we write does not read back: \(error.description)\n\(written)")
            return
        }
        let rewritten = yaml(again)()
        check(rewritten == written, "writing what we read back changed the file:\n\(written)\n---\n\(rewritten)")
    }
}

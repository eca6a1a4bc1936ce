import HyperforgeCore

/// A value that shows a change breaks someone: valid under one version,
/// invalid under the other (both checked with the validator before it is
/// reported), with where and why the second rejects it.
public struct Witness: Sendable, Equatable, Codable {
    /// The value (in `--format json`, the value itself, not its text).
    public var value: JSONValue
    /// The version that accepts it, and the one that rejects it.
    public var validUnder: String
    public var invalidUnder: String
    /// Where in the value the rejecting version fails (a JSON pointer), and why.
    public var pointer: String
    public var reason: String
    /// Whom it breaks, in words.
    public var breaks: String

    public var sentence: String {
        "\(validUnder) accepts \(value.jsonText), which \(breaks) reject at \(pointer.isEmpty ? "(root)" : pointer): \(reason)"
    }
}

/// Whether every value valid under one schema is valid under another.
public struct Inclusion: Sendable {
    public enum Answer: String, Sendable { case holds, fails, unknown }
    public var answer: Answer
    /// For `holds`: which rule or inclusion step decided each part.
    public var explanation: [String] = []
    /// For `fails`: a value valid under the first schema and invalid under the second.
    public var counterexample: JSONValue?
    public var pointer = ""
    public var message = ""
    /// For `unknown`: why neither a proof nor a counterexample was found.
    public var reason: String?
}

public enum CompatibilityVerdict: String, Sendable, Codable { case compatible, incompatible, unknown }

/// The compatibility of two versions of a schema under a contract's flags
/// (DESIGN.md, seed problem 3): `backwards: true` promises that every value
/// valid under the new version is valid under the old one (new values stay
/// readable by old importers); `forwards: true` that every value valid under
/// the old version is valid under the new one (old values stay valid).
public struct CompatibilityReport: Sendable {
    public var backwards: Bool
    public var forwards: Bool
    /// The two schemas are the same document.
    public var identical: Bool
    /// Every value of the new version valid under the old one (what `backwards` promises).
    public var newInOld: Inclusion
    /// Every value of the old version valid under the new one (what `forwards` promises).
    public var oldInNew: Inclusion

    public var verdict: CompatibilityVerdict {
        let promised = (backwards ? [newInOld] : []) + (forwards ? [oldInNew] : [])
        if promised.contains(where: { $0.answer == .fails }) { return .incompatible }
        if promised.contains(where: { $0.answer == .unknown }) { return .unknown }
        return .compatible
    }

    public var isCompatible: Bool { verdict == .compatible }

    /// Whether the set of valid values changed, shown by a value one version accepts and the other rejects.
    public var schemaChanged: Bool { newInOld.answer == .fails || oldInNew.answer == .fails }
    /// Whether it may have changed (false only when the two are shown to allow the same values).
    public var mayHaveChanged: Bool { !(identical || (newInOld.answer == .holds && oldInNew.answer == .holds)) }

    /// The value that breaks a promise, with whom it breaks.
    public func witness(old: String, new: String) -> Witness? {
        if backwards, newInOld.answer == .fails, let v = newInOld.counterexample {
            return Witness(value: v, validUnder: new, invalidUnder: old, pointer: newInOld.pointer, reason: newInOld.message,
                           breaks: "importers on \(old)")
        }
        if forwards, oldInNew.answer == .fails, let v = oldInNew.counterexample {
            return Witness(value: v, validUnder: old, invalidUnder: new, pointer: oldInNew.pointer, reason: oldInNew.message,
                           breaks: "readers on \(new) of values written under \(old)")
        }
        return nil
    }

    /// The prover's words for its two sides, as versions.
    static func named(_ text: String, first: String, second: String) -> String {
        text.replacing("the first schema", with: first).replacing("the second schema", with: second)
    }

    /// Why a promise could not be decided.
    public var unknownReason: String? {
        let promised = (backwards ? [("backwards", newInOld, "the new version", "the old version")] : [])
            + (forwards ? [("forwards", oldInNew, "the old version", "the new version")] : [])
        let reasons = promised.filter { $0.1.answer == .unknown }.map {
            "\($0.0): " + CompatibilityReport.named($0.1.reason ?? "undecided", first: $0.2, second: $0.3)
        }
        return reasons.isEmpty ? nil : reasons.joined(separator: "; ")
    }

    /// For a compatible verdict, the steps that decided it.
    public var explanation: [String] {
        if identical { return ["the two versions have the same schema"] }
        var out: [String] = []
        if backwards {
            out += ["backwards (every value of the new version is valid under the old one):"]
                + newInOld.explanation.map { "  " + CompatibilityReport.named($0, first: "the new version", second: "the old version") }
        }
        if forwards {
            out += ["forwards (every value of the old version is valid under the new one):"]
                + oldInNew.explanation.map { "  " + CompatibilityReport.named($0, first: "the old version", second: "the new version") }
        }
        if !backwards && !forwards { out.append("the contract promises neither backwards nor forwards compatibility") }
        return out
    }
}

public enum SchemaCompatibility {
    /// Part of every cache key over compatibility verdicts: bumped whenever verdicts or their text change.
    public static let engineVersion = "semantic-3"

    /// Compares `old` and `new` (each compiled in a registry that can resolve their `$ref`s).
    public static func compare(old: CompiledSchema, new: CompiledSchema, backwards: Bool, forwards: Bool) throws(SchemaError) -> CompatibilityReport {
        if InclusionProver.sameSchema(old.root, new.root) {
            let same = Inclusion(answer: .holds, explanation: ["the same schema"])
            return CompatibilityReport(backwards: backwards, forwards: forwards, identical: true, newInOld: same, oldInNew: same)
        }
        // Both ways, each with a witness when it fails: a promise needs it, and
        // so does the version bump (a change of the valid values needs a minor one).
        let newInOld = includes(new, in: old)
        let oldInNew = includes(old, in: new)
        return CompatibilityReport(backwards: backwards, forwards: forwards, identical: false, newInOld: newInOld, oldInNew: oldInNew)
    }

    /// Whether every value valid under `a` is valid under `b`: a proof, a
    /// counterexample (with `witness`; checked with the validator), or unknown with the reason.
    public static func includes(_ a: CompiledSchema, in b: CompiledSchema, witness: Bool = true) -> Inclusion {
        let left = Normalizer(registry: a.registry), right = Normalizer(registry: b.registry)
        let prover = InclusionProver(left: left, right: right)
        if prover.sub(Sub(nodes: [a.root]), Sub(nodes: [b.root]), "", depth: 0) {
            return Inclusion(answer: .holds, explanation: prover.explanation.isEmpty ? ["every constraint of the second schema holds for the first"] : prover.explanation)
        }
        if witness, let found = counterexample(a, b, left: left, right: right, focus: prover.failurePath) { return found }
        var reason = prover.failure ?? "no proof found"
        let notes = left.notes + right.notes.filter { !left.notes.contains($0) }
        if !notes.isEmpty { reason += " (approximated: " + notes.prefix(3).joined(separator: "; ") + ")" }
        if witness { reason += "; no value was found that one accepts and the other rejects" }
        return Inclusion(answer: .unknown, reason: reason)
    }

    /// A value of `a` that `b` rejects, checked with the validator.
    static func counterexample(_ a: CompiledSchema, _ b: CompiledSchema, left: Normalizer, right: Normalizer, focus: String?) -> Inclusion? {
        // First along the place where the proof failed, then anywhere.
        if let focus, !focus.isEmpty, !focus.contains("("),
           let found = counterexample(a, b, left: left, right: right, tokens: focus.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map(String.init)) {
            return found
        }
        return counterexample(a, b, left: left, right: right, tokens: [])
    }

    static func counterexample(_ a: CompiledSchema, _ b: CompiledSchema, left: Normalizer, right: Normalizer, tokens: [String]) -> Inclusion? {
        let generator = ValueGenerator(source: left, guide: right)
        generator.focus = tokens
        func separates(_ v: JSONValue) -> Bool { (try? a.isValid(v)) == true && (try? b.isValid(v)) == false }
        generator.stop = { v in right.accepts(Sub(nodes: [b.root]), v) == false && separates(v) }
        let candidates = generator.values(Sub(nodes: [a.root]), steer: Sub(nodes: [b.root]), depth: 0)
        for v in [generator.stopped].compactMap({ $0 }) + candidates.breaking + candidates.fitting {
            guard separates(v), let violations = try? b.validate(v) else { continue }
            let first = violations.first
            return Inclusion(answer: .fails, counterexample: v, pointer: first?.instanceLocation ?? "", message: first?.message ?? "not valid")
        }
        return nil
    }

    static let falseNode: SchemaNode = {
        let n = SchemaNode(json: .bool(false), draft: .draft2020_12, base: "urn:hyperforge:false", resource: "urn:hyperforge:false", pointer: "")
        n.alwaysValid = false
        return n
    }()

    /// Whether a subschema (not looking into properties or items) can evaluate properties.
    static func mentionsObjectKeywords(_ n: SchemaNode, depth: Int) -> Bool {
        if n.alwaysValid != nil { return false }
        if depth > 16 || n.ref != nil || n.dynamicRef != nil { return true }
        if n.properties != nil || n.patternProperties != nil || n.additionalProperties != nil || n.unevaluatedProperties != nil { return true }
        let subs = (n.allOf ?? []) + (n.anyOf ?? []) + (n.oneOf ?? []) + [n.ifSchema, n.thenSchema, n.elseSchema].compactMap { $0 } + n.dependentSchemas.map(\.1)
        return subs.contains { mentionsObjectKeywords($0, depth: depth + 1) }
    }

    static func mentionsArrayKeywords(_ n: SchemaNode, depth: Int) -> Bool {
        if n.alwaysValid != nil { return false }
        if depth > 16 || n.ref != nil || n.dynamicRef != nil { return true }
        if n.prefixItems != nil || n.items != nil || n.additionalItems != nil || n.contains != nil || n.unevaluatedItems != nil { return true }
        let subs = (n.allOf ?? []) + (n.anyOf ?? []) + (n.oneOf ?? []) + [n.ifSchema, n.thenSchema, n.elseSchema].compactMap { $0 }
        return subs.contains { mentionsArrayKeywords($0, depth: depth + 1) }
    }
}

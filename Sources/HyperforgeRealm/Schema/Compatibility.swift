import HyperforgeCore
/// What a change between two versions of a contract's schema does to the
/// set of valid values, found by comparing the schemas structurally, with
/// Confluent Schema Registry's rules for JSON Schema (open, closed and
/// partially open content models; `$ref`s followed; recursive schemas
/// compared once per pair of places).
///
/// - A *widening* change lets the new schema accept values the old one
///   rejected: importers still on the old version may not be able to read
///   new values ("breaks readers of new values").
/// - A *narrowing* change makes the new schema reject values the old one
///   accepted: values written under the old version may not validate under
///   the new one ("breaks readers of old values").
///
/// The RFC's contract flags (DESIGN.md, seed problem 3): `backwards: true`
/// promises that a new version is readable by old importers, so it forbids
/// widening; `forwards: true` promises that old values stay valid under the
/// new version, so it forbids narrowing.
public struct SchemaChange: Sendable, Equatable, CustomStringConvertible {
    public enum Effect: String, Sendable, Codable {
        case none, widening, narrowing, both
        var widens: Bool { self == .widening || self == .both }
        var narrows: Bool { self == .narrowing || self == .both }
    }

    /// Where, as a JSON pointer into the new schema (the old one's for removals).
    public var pointer: String
    /// What kind: `property-added`, `required-added`, `type-narrowed`, `enum-value-removed`, `limit-tightened`, ...
    public var kind: String
    public var effect: Effect
    public var detail: String

    /// Which readers this change breaks, in words.
    public var breaks: String {
        switch effect {
        case .none: return "breaks nobody"
        case .widening: return "breaks readers of new values (importers still on the old version)"
        case .narrowing: return "breaks readers of old values (values written under the old version)"
        case .both: return "breaks readers of old and of new values"
        }
    }

    public var description: String { "\(pointer.isEmpty ? "(root)" : pointer): \(kind): \(detail) — \(breaks)" }
}

/// The compatibility of two schemas under a contract's `backwards`/`forwards` flags.
public struct CompatibilityReport: Sendable {
    public var changes: [SchemaChange]
    public var backwards: Bool
    public var forwards: Bool

    /// The changes that break a promise the contract makes.
    public var breaking: [SchemaChange] {
        changes.filter { (backwards && $0.effect.widens) || (forwards && $0.effect.narrows) }
    }
    public var isCompatible: Bool { breaking.isEmpty }
    public var hasSchemaChanges: Bool { changes.contains { $0.effect != .none } }
}

public enum SchemaCompatibility {
    /// Compares `old` and `new` (each compiled in a registry that can resolve
    /// their `$ref`s) and lists the changes.
    public static func compare(old: CompiledSchema, new: CompiledSchema, backwards: Bool, forwards: Bool) throws(SchemaError) -> CompatibilityReport {
        var comparer = Comparer(oldRegistry: old.registry, newRegistry: new.registry)
        try comparer.compare(old.root, new.root, pointer: "")
        return CompatibilityReport(changes: comparer.changes, backwards: backwards, forwards: forwards)
    }
}

private struct Comparer {
    let oldRegistry: SchemaRegistry
    let newRegistry: SchemaRegistry
    var changes: [SchemaChange] = []
    var visited: Set<PairKey> = []

    struct PairKey: Hashable { let a: ObjectIdentifier; let b: ObjectIdentifier }

    init(oldRegistry: SchemaRegistry, newRegistry: SchemaRegistry) {
        self.oldRegistry = oldRegistry
        self.newRegistry = newRegistry
    }

    mutating func add(_ pointer: String, _ kind: String, _ effect: SchemaChange.Effect, _ detail: String) {
        changes.append(SchemaChange(pointer: pointer, kind: kind, effect: effect, detail: detail))
    }

    /// Follows `$ref` chains (a schema that is only a `$ref`).
    func deref(_ node: SchemaNode, _ registry: SchemaRegistry) throws(SchemaError) -> SchemaNode {
        var n = node
        var hops = 0
        while let ref = n.ref, isOnlyRef(n) {
            hops += 1
            if hops > 64 { throw SchemaError(keywordLocation: n.pointer, reason: "$ref \"\(ref)\" loops") }
            if let t = n.refTarget { n = t } else {
                let t = try registry.resolve(ref, draft: n.draft, from: n.pointer)
                n.refTarget = t
                n = t
            }
        }
        return n
    }

    func isOnlyRef(_ n: SchemaNode) -> Bool {
        if n.draft == .draft7 { return true }
        guard case .object(let o) = n.json else { return false }
        let ignorable: Set<String> = ["$ref", "$id", "$schema", "$anchor", "$defs", "definitions", "$comment", "title", "description", "default", "examples"]
        return o.keys.allSatisfy { ignorable.contains($0) }
    }

    static func isTrue(_ n: SchemaNode) -> Bool {
        if n.alwaysValid == true { return true }
        if case .object(let o) = n.json {
            let annotations: Set<String> = ["$id", "$schema", "$comment", "title", "description", "default", "examples", "$anchor", "$defs", "definitions", "deprecated", "readOnly", "writeOnly"]
            return o.keys.allSatisfy { annotations.contains($0) }
        }
        return false
    }

    static func isFalse(_ n: SchemaNode) -> Bool { n.alwaysValid == false }

    mutating func compare(_ oldNode: SchemaNode, _ newNode: SchemaNode, pointer: String) throws(SchemaError) {
        let a = try deref(oldNode, oldRegistry), b = try deref(newNode, newRegistry)
        let key = PairKey(a: ObjectIdentifier(a), b: ObjectIdentifier(b))
        if visited.contains(key) { return } // recursive schemas: each pair of places once
        visited.insert(key)
        if a.json.jsonEquals(b.json) && a.base == b.base { return }

        switch (Self.isTrue(a), Self.isFalse(a), Self.isTrue(b), Self.isFalse(b)) {
        case (true, _, true, _), (_, true, _, true): return
        case (_, true, _, _): add(pointer, "schema-opened", .widening, "was false (nothing allowed), now allows values"); return
        case (_, _, _, true): add(pointer, "schema-closed", .narrowing, "now false: nothing is allowed"); return
        case (true, _, _, _): add(pointer, "constraints-added", .narrowing, "was unconstrained, now constrained"); return
        case (_, _, true, _): add(pointer, "constraints-removed", .widening, "was constrained, now unconstrained"); return
        default: break
        }

        compareTypes(a, b, pointer)
        compareValues(a, b, pointer)
        compareLimits(a, b, pointer)
        try compareObjects(a, b, pointer)
        try compareArrays(a, b, pointer)
        try compareCombinators(a, b, pointer)
    }

    static func typeSet(_ n: SchemaNode) -> Set<String>? {
        guard var types = n.types.map(Set.init) else { return nil }
        if types.contains("number") { types.insert("integer") }
        return types
    }

    mutating func compareTypes(_ a: SchemaNode, _ b: SchemaNode, _ p: String) {
        let old = Self.typeSet(a), new = Self.typeSet(b)
        switch (old, new) {
        case (nil, nil): return
        case (nil, let n?): add(p, "type-added", .narrowing, "now only \(n.sorted().joined(separator: ", "))")
        case (let o?, nil): add(p, "type-removed", .widening, "was only \(o.sorted().joined(separator: ", ")), now any type")
        case (let o?, let n?):
            if o == n { return }
            let removed = o.subtracting(n), added = n.subtracting(o)
            let effect: SchemaChange.Effect = !removed.isEmpty && !added.isEmpty ? .both : (!removed.isEmpty ? .narrowing : .widening)
            let kind = effect == .both ? "type-changed" : (effect == .narrowing ? "type-narrowed" : "type-widened")
            var parts: [String] = []
            if !removed.isEmpty { parts.append("no longer \(removed.sorted().joined(separator: ", "))") }
            if !added.isEmpty { parts.append("now also \(added.sorted().joined(separator: ", "))") }
            add(p, kind, effect, parts.joined(separator: "; "))
        }
    }

    mutating func compareValues(_ a: SchemaNode, _ b: SchemaNode, _ p: String) {
        switch (a.enumValues, b.enumValues) {
        case (nil, let n?): add(p + "/enum", "enum-added", .narrowing, "now one of \(n.map(\.jsonText).joined(separator: ", "))")
        case (_?, nil): add(p + "/enum", "enum-removed", .widening, "any value of the type is now allowed")
        case (let o?, let n?):
            let removed = o.filter { v in !n.contains { $0.jsonEquals(v) } }
            let added = n.filter { v in !o.contains { $0.jsonEquals(v) } }
            if !removed.isEmpty { add(p + "/enum", "enum-value-removed", .narrowing, "no longer allowed: \(removed.map(\.jsonText).joined(separator: ", "))") }
            if !added.isEmpty { add(p + "/enum", "enum-value-added", .widening, "newly allowed: \(added.map(\.jsonText).joined(separator: ", "))") }
        default: break
        }
        switch (a.hasConst ? a.constValue : nil, b.hasConst ? b.constValue : nil) {
        case (nil, let n?): add(p + "/const", "const-added", .narrowing, "must now be \(n.jsonText)")
        case (let o?, nil): add(p + "/const", "const-removed", .widening, "no longer fixed to \(o.jsonText)")
        case (let o?, let n?) where !o.jsonEquals(n): add(p + "/const", "const-changed", .both, "\(o.jsonText) → \(n.jsonText)")
        default: break
        }
        let oldPattern = a.patternSource, newPattern = b.patternSource
        if oldPattern != newPattern {
            switch (oldPattern, newPattern) {
            case (nil, let n?): add(p + "/pattern", "pattern-added", .narrowing, "must now match \(n)")
            case (let o?, nil): add(p + "/pattern", "pattern-removed", .widening, "no longer must match \(o)")
            default: add(p + "/pattern", "pattern-changed", .both, "\(oldPattern ?? "") → \(newPattern ?? "")")
            }
        }
        let oldFormat = a.json["format"].flatMap { if case .string(let s) = $0 { return s }; return nil }
        let newFormat = b.json["format"].flatMap { if case .string(let s) = $0 { return s }; return nil }
        if oldFormat != newFormat {
            switch (oldFormat, newFormat) {
            case (nil, let n?): add(p + "/format", "format-added", .narrowing, "now format \(n)")
            case (let o?, nil): add(p + "/format", "format-removed", .widening, "no longer format \(o)")
            default: add(p + "/format", "format-changed", .both, "\(oldFormat ?? "") → \(newFormat ?? "")")
            }
        }
    }

    /// Upper and lower bounds: a bound that moves inwards (or appears) narrows.
    mutating func bound(_ p: String, _ keyword: String, _ old: Double?, _ new: Double?, upper: Bool) {
        guard old != new else { return }
        func show(_ d: Double?) -> String { d.map(Evaluation.number) ?? "none" }
        switch (old, new) {
        case (nil, _?): add(p + "/" + keyword, "limit-added", .narrowing, "\(keyword) \(show(new)) added")
        case (_?, nil): add(p + "/" + keyword, "limit-removed", .widening, "\(keyword) \(show(old)) removed")
        case (let o?, let n?):
            let tighter = upper ? n < o : n > o
            add(p + "/" + keyword, tighter ? "limit-tightened" : "limit-loosened", tighter ? .narrowing : .widening, "\(keyword) \(show(old)) → \(show(new))")
        default: break
        }
    }

    mutating func compareLimits(_ a: SchemaNode, _ b: SchemaNode, _ p: String) {
        bound(p, "maximum", a.maximum, b.maximum, upper: true)
        bound(p, "exclusiveMaximum", a.exclusiveMaximum, b.exclusiveMaximum, upper: true)
        bound(p, "minimum", a.minimum, b.minimum, upper: false)
        bound(p, "exclusiveMinimum", a.exclusiveMinimum, b.exclusiveMinimum, upper: false)
        bound(p, "maxLength", a.maxLength.map(Double.init), b.maxLength.map(Double.init), upper: true)
        bound(p, "minLength", a.minLength.map(Double.init), b.minLength.map(Double.init), upper: false)
        bound(p, "maxItems", a.maxItems.map(Double.init), b.maxItems.map(Double.init), upper: true)
        bound(p, "minItems", a.minItems.map(Double.init), b.minItems.map(Double.init), upper: false)
        bound(p, "maxProperties", a.maxProperties.map(Double.init), b.maxProperties.map(Double.init), upper: true)
        bound(p, "minProperties", a.minProperties.map(Double.init), b.minProperties.map(Double.init), upper: false)
        bound(p, "maxContains", a.maxContains.map(Double.init), b.maxContains.map(Double.init), upper: true)
        bound(p, "minContains", a.minContains.map(Double.init), b.minContains.map(Double.init), upper: false)
        if a.multipleOf != b.multipleOf {
            switch (a.multipleOf, b.multipleOf) {
            case (nil, let n?): add(p + "/multipleOf", "limit-added", .narrowing, "multipleOf \(Evaluation.number(n)) added")
            case (let o?, nil): add(p + "/multipleOf", "limit-removed", .widening, "multipleOf \(Evaluation.number(o)) removed")
            case (let o?, let n?):
                // n a multiple of o: fewer values (narrowing); o a multiple of n: more (widening).
                let narrower = Evaluation.isMultiple(.number(n), of: o), wider = Evaluation.isMultiple(.number(o), of: n)
                add(p + "/multipleOf", narrower ? "limit-tightened" : (wider ? "limit-loosened" : "limit-changed"),
                    narrower ? .narrowing : (wider ? .widening : .both), "multipleOf \(Evaluation.number(o)) → \(Evaluation.number(n))")
            default: break
            }
        }
        if a.uniqueItems != b.uniqueItems {
            add(p + "/uniqueItems", b.uniqueItems ? "limit-added" : "limit-removed", b.uniqueItems ? .narrowing : .widening,
                b.uniqueItems ? "items must now be unique" : "items no longer need to be unique")
        }
    }

    /// How an object schema treats properties it does not name.
    enum ContentModel { case open, closed, partial(SchemaNode) }

    func contentModel(_ n: SchemaNode) -> ContentModel {
        if let extra = n.additionalProperties ?? n.unevaluatedProperties {
            if Self.isFalse(extra) { return .closed }
            if Self.isTrue(extra) { return .open }
            return .partial(extra)
        }
        return .open
    }

    /// The schema `name` falls under when the node does not list it.
    func fallback(for name: String, in n: SchemaNode) -> SchemaNode? {
        if let patterns = n.patternProperties {
            for (regex, _, schema) in patterns where Evaluation.search(regex, name) { return schema }
        }
        switch contentModel(n) {
        case .partial(let s): return s
        default: return nil
        }
    }

    mutating func compareObjects(_ a: SchemaNode, _ b: SchemaNode, _ p: String) throws(SchemaError) {
        let oldProps = a.properties ?? [:], newProps = b.properties ?? [:]
        for name in Set(oldProps.keys).union(newProps.keys).sorted() {
            let here = p + "/properties/" + JSONPointer.escape(name)
            switch (oldProps[name], newProps[name]) {
            case (let o?, let n?):
                try compare(o, n, pointer: here)
            case (nil, let n?):
                let optional = !(b.required ?? []).contains(name)
                let defaultText = n.json["default"].map { ", default=\($0.jsonText)" } ?? ""
                let what = "'\(name)' added (\(optional ? "optional" : "required")\(defaultText))"
                if let covering = fallback(for: name, in: a) {
                    // Partially open: the old schema already constrained it.
                    let before = changes.count
                    try compare(covering, n, pointer: here)
                    if changes.count == before { add(here, "property-added", .none, what + " within what the old schema allowed") }
                } else {
                    switch contentModel(a) {
                    case .closed: add(here, "property-added", .widening, what + "; the old schema did not allow it (closed content model)")
                    case .open, .partial:
                        if Self.isTrue(n) { add(here, "property-added", .none, what + ", unconstrained") } else {
                            add(here, "property-added", .narrowing, what + "; old values could hold any value there (open content model)")
                        }
                    }
                }
            case (let o?, nil):
                let what = "'\(name)' removed"
                if let covering = fallback(for: name, in: b) {
                    let before = changes.count
                    try compare(o, covering, pointer: here)
                    if changes.count == before { add(here, "property-removed", .none, what + ", still allowed as before") }
                } else {
                    switch contentModel(b) {
                    case .closed: add(here, "property-removed", .narrowing, what + "; the new schema rejects it (closed content model)")
                    case .open, .partial:
                        if Self.isTrue(o) { add(here, "property-removed", .none, what + ", it was unconstrained") } else {
                            add(here, "property-removed", .widening, what + "; it is now unconstrained (open content model)")
                        }
                    }
                }
            default: break
            }
        }
        let oldRequired = Set(a.required ?? []), newRequired = Set(b.required ?? [])
        for name in newRequired.subtracting(oldRequired).sorted() {
            add(p + "/required", "required-added", .narrowing, "'\(name)' is now required")
        }
        for name in oldRequired.subtracting(newRequired).sorted() {
            add(p + "/required", "required-removed", .widening, "'\(name)' is no longer required")
        }
        // The content model itself.
        switch (contentModel(a), contentModel(b)) {
        case (.open, .closed), (.partial, .closed):
            add(p + "/additionalProperties", "additional-properties-closed", .narrowing, "properties not listed are no longer allowed")
        case (.closed, .open), (.closed, .partial):
            add(p + "/additionalProperties", "additional-properties-opened", .widening, "properties not listed are now allowed")
        case (.open, .partial(let s)):
            _ = s
            add(p + "/additionalProperties", "additional-properties-constrained", .narrowing, "properties not listed must now match a schema")
        case (.partial, .open):
            add(p + "/additionalProperties", "additional-properties-unconstrained", .widening, "properties not listed are no longer constrained")
        case (.partial(let o), .partial(let n)):
            try compare(o, n, pointer: p + "/additionalProperties")
        default: break
        }
        let oldPatterns = Dictionary((a.patternProperties ?? []).map { ($0.1, $0.2) }, uniquingKeysWith: { x, _ in x })
        let newPatterns = Dictionary((b.patternProperties ?? []).map { ($0.1, $0.2) }, uniquingKeysWith: { x, _ in x })
        for source in Set(oldPatterns.keys).union(newPatterns.keys).sorted() {
            let here = p + "/patternProperties/" + JSONPointer.escape(source)
            switch (oldPatterns[source], newPatterns[source]) {
            case (let o?, let n?): try compare(o, n, pointer: here)
            case (nil, _?): add(here, "pattern-property-added", .narrowing, "properties matching \(source) are now constrained")
            case (_?, nil): add(here, "pattern-property-removed", .widening, "properties matching \(source) are no longer constrained")
            default: break
            }
        }
        if let o = a.propertyNames, let n = b.propertyNames { try compare(o, n, pointer: p + "/propertyNames") }
        else if b.propertyNames != nil { add(p + "/propertyNames", "property-names-added", .narrowing, "property names are now constrained") }
        else if a.propertyNames != nil { add(p + "/propertyNames", "property-names-removed", .widening, "property names are no longer constrained") }
        let oldDeps = Dictionary(a.dependentRequired.map { ($0.0, Set($0.1)) }, uniquingKeysWith: { x, _ in x })
        let newDeps = Dictionary(b.dependentRequired.map { ($0.0, Set($0.1)) }, uniquingKeysWith: { x, _ in x })
        for name in Set(oldDeps.keys).union(newDeps.keys).sorted() {
            let o = oldDeps[name] ?? [], n = newDeps[name] ?? []
            if !n.subtracting(o).isEmpty { add(p + "/dependentRequired", "required-added", .narrowing, "with '\(name)', now also requires \(n.subtracting(o).sorted().joined(separator: ", "))") }
            if !o.subtracting(n).isEmpty { add(p + "/dependentRequired", "required-removed", .widening, "with '\(name)', no longer requires \(o.subtracting(n).sorted().joined(separator: ", "))") }
        }
    }

    mutating func compareArrays(_ a: SchemaNode, _ b: SchemaNode, _ p: String) throws(SchemaError) {
        let oldPrefix = a.prefixItems ?? [], newPrefix = b.prefixItems ?? []
        let keyword = b.draft == .draft7 ? "items" : "prefixItems"
        for i in 0..<max(oldPrefix.count, newPrefix.count) {
            let here = p + "/\(keyword)/\(i)"
            let o = i < oldPrefix.count ? oldPrefix[i] : (a.draft == .draft7 ? a.additionalItems : a.items)
            let n = i < newPrefix.count ? newPrefix[i] : (b.draft == .draft7 ? b.additionalItems : b.items)
            switch (o, n) {
            case (let o?, let n?): try compare(o, n, pointer: here)
            case (nil, let n?) where !Self.isTrue(n): add(here, "item-constrained", .narrowing, "item \(i) is now constrained")
            case (let o?, nil) where !Self.isTrue(o): add(here, "item-unconstrained", .widening, "item \(i) is no longer constrained")
            default: break
            }
        }
        let oldRest = a.draft == .draft7 && a.prefixItems != nil ? a.additionalItems : a.items
        let newRest = b.draft == .draft7 && b.prefixItems != nil ? b.additionalItems : b.items
        let restKeyword = b.draft == .draft7 && b.prefixItems != nil ? "additionalItems" : "items"
        switch (oldRest, newRest) {
        case (let o?, let n?): try compare(o, n, pointer: p + "/" + restKeyword)
        case (nil, let n?) where !Self.isTrue(n): add(p + "/" + restKeyword, "items-constrained", .narrowing, "items are now constrained")
        case (let o?, nil) where !Self.isTrue(o): add(p + "/" + restKeyword, "items-unconstrained", .widening, "items are no longer constrained")
        default: break
        }
        switch (a.contains, b.contains) {
        case (let o?, let n?): try compare(o, n, pointer: p + "/contains")
        case (nil, _?): add(p + "/contains", "contains-added", .narrowing, "the array must now contain a matching item")
        case (_?, nil): add(p + "/contains", "contains-removed", .widening, "the array no longer needs a matching item")
        default: break
        }
    }

    mutating func compareCombinators(_ a: SchemaNode, _ b: SchemaNode, _ p: String) throws(SchemaError) {
        for (keyword, old, new, addedEffect) in [("allOf", a.allOf, b.allOf, SchemaChange.Effect.narrowing),
                                                  ("anyOf", a.anyOf, b.anyOf, .widening), ("oneOf", a.oneOf, b.oneOf, .both)] {
            let o = old ?? [], n = new ?? []
            if o.isEmpty && n.isEmpty { continue }
            for i in 0..<min(o.count, n.count) { try compare(o[i], n[i], pointer: p + "/\(keyword)/\(i)") }
            let removedEffect: SchemaChange.Effect = addedEffect == .narrowing ? .widening : (addedEffect == .widening ? .narrowing : .both)
            if n.count > o.count {
                let effect: SchemaChange.Effect = o.isEmpty && keyword != "allOf" ? .narrowing : addedEffect
                add(p + "/\(keyword)", "\(keyword)-extended", effect, "\(n.count - o.count) subschema(s) added")
            }
            if o.count > n.count {
                let effect: SchemaChange.Effect = n.isEmpty && keyword != "allOf" ? .widening : removedEffect
                add(p + "/\(keyword)", "\(keyword)-reduced", effect, "\(o.count - n.count) subschema(s) removed")
            }
        }
        switch (a.not, b.not) {
        case (let o?, let n?) where !o.json.jsonEquals(n.json): add(p + "/not", "not-changed", .both, "the excluded values changed")
        case (nil, _?): add(p + "/not", "not-added", .narrowing, "some values are now excluded")
        case (_?, nil): add(p + "/not", "not-removed", .widening, "values are no longer excluded")
        default: break
        }
        let oldCond = [a.ifSchema, a.thenSchema, a.elseSchema].map { $0?.json }
        let newCond = [b.ifSchema, b.thenSchema, b.elseSchema].map { $0?.json }
        if zip(oldCond, newCond).contains(where: { x, y in
            switch (x, y) { case (nil, nil): return false; case (let x?, let y?): return !x.jsonEquals(y); default: return true }
        }) {
            add(p + "/if", "conditional-changed", .both, "if/then/else changed")
        }
        let oldDS = Dictionary(a.dependentSchemas.map { ($0.0, $0.1) }, uniquingKeysWith: { x, _ in x })
        let newDS = Dictionary(b.dependentSchemas.map { ($0.0, $0.1) }, uniquingKeysWith: { x, _ in x })
        for name in Set(oldDS.keys).union(newDS.keys).sorted() {
            let here = p + "/dependentSchemas/" + JSONPointer.escape(name)
            switch (oldDS[name], newDS[name]) {
            case (let o?, let n?): try compare(o, n, pointer: here)
            case (nil, _?): add(here, "dependent-schema-added", .narrowing, "with '\(name)', more is now required")
            case (_?, nil): add(here, "dependent-schema-removed", .widening, "with '\(name)', less is now required")
            default: break
            }
        }
    }
}

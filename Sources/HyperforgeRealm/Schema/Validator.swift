import HyperforgeCore

/// One way an instance fails its schema: where in the instance, which
/// keyword of the schema (a JSON pointer through `$ref`s, as JSON Schema's
/// output format writes `keywordLocation`), and why.
public struct SchemaViolation: Sendable, Equatable, CustomStringConvertible {
    public var instanceLocation: String
    public var keywordLocation: String
    public var message: String
    public var description: String {
        "\(instanceLocation.isEmpty ? "(root)" : instanceLocation): \(message) (schema \(keywordLocation.isEmpty ? "(root)" : keywordLocation))"
    }
}

/// A compiled schema, ready to validate instances.
public struct CompiledSchema: @unchecked Sendable {
    let root: SchemaNode
    let registry: SchemaRegistry

    /// Whether `instance` is valid (stops at the first failure).
    public func isValid(_ instance: JSONValue) throws(SchemaError) -> Bool {
        let v = Evaluation(registry: registry, collect: false, budget: Evaluation.budget(for: instance))
        return try v.evaluate(root, instance, instancePath: nil, keywordPath: nil, scope: nil, refDepth: 0, wantAnnotations: false).valid
    }

    /// Every violation (empty when valid).
    public func validate(_ instance: JSONValue) throws(SchemaError) -> [SchemaViolation] {
        let v = Evaluation(registry: registry, collect: true, budget: Evaluation.budget(for: instance))
        _ = try v.evaluate(root, instance, instancePath: nil, keywordPath: nil, scope: nil, refDepth: 0, wantAnnotations: false)
        return v.violations
    }
}

/// A path as a linked list, turned into a JSON pointer only when an error needs it.
final class PathNode {
    let parent: PathNode?
    let token: String
    init(_ parent: PathNode?, _ token: String) { self.parent = parent; self.token = token }
    static func pointer(_ node: PathNode?) -> String {
        var tokens: [String] = []
        var n = node
        while let x = n { tokens.append(x.token); n = x.parent }
        return tokens.reversed().map { "/" + JSONPointer.escape($0) }.joined()
    }
}

/// The schema resources being evaluated, outermost first (for `$dynamicRef`).
final class ScopeNode {
    let parent: ScopeNode?
    let resource: String
    init(_ parent: ScopeNode?, _ resource: String) { self.parent = parent; self.resource = resource }
}

/// What a subschema evaluated of an object or array, for `unevaluated*`.
struct Annotations {
    var properties: Set<String> = []
    var itemsPrefix = 0
    var allItems = false
    var containsIndices: Set<Int> = []

    mutating func merge(_ o: Annotations) {
        properties.formUnion(o.properties)
        itemsPrefix = max(itemsPrefix, o.itemsPrefix)
        allItems = allItems || o.allItems
        containsIndices.formUnion(o.containsIndices)
    }
}

final class Evaluation {
    let registry: SchemaRegistry
    let collect: Bool
    var violations: [SchemaViolation] = []
    /// > 0 inside anyOf/oneOf/not/if/contains, whose failures are not errors themselves.
    var speculative = 0
    static let maximumRefDepth = 64

    /// Subschema evaluations left for this validation. A schema's `$ref`s
    /// may multiply: `d0: {allOf: [{$ref: d1}, {$ref: d1}]}`, d1 the same
    /// over d2, and so on, is 2^n evaluations of one small value (JSON
    /// Schema's "billion laughs"; no reference loops, so the depth limit
    /// does not catch it). Honest schemas evaluate each part of a value
    /// against a few subschemas (validating a 2,000-property schema against
    /// the 2020-12 metaschema: 6 per part, measured); the budget allows a
    /// hundred per part, and a hundred thousand more.
    var budget: Int
    let initialBudget: Int
    static let baseBudget = 100_000
    static let budgetPerValue = 100

    /// The evaluations `instance` may take: its size (values in it) times
    /// `budgetPerValue`, plus `baseBudget`.
    static func budget(for instance: JSONValue) -> Int {
        var values = 0
        var stack = [instance]
        while let v = stack.popLast() {
            values += 1
            switch v {
            case .array(let a): stack.append(contentsOf: a)
            case .object(let o): stack.append(contentsOf: o.values)
            default: break
            }
        }
        return baseBudget + budgetPerValue * values
    }

    /// Steps left for patterns on the backtracking matcher (backreferences,
    /// lookaround), shared by every match of this validation: `ECMAPattern.stepBudget`
    /// plus `patternBudgetPerValue` per value in the instance.
    var patternBudget: Int
    let initialPatternBudget: Int
    static let patternBudgetPerValue = 1_000

    init(registry: SchemaRegistry, collect: Bool, budget: Int) {
        self.registry = registry
        self.collect = collect
        self.budget = budget
        initialBudget = budget
        let values = (budget - Evaluation.baseBudget) / Evaluation.budgetPerValue
        patternBudget = ECMAPattern.stepBudget + Evaluation.patternBudgetPerValue * max(values, 1)
        initialPatternBudget = patternBudget
    }

    var recording: Bool { collect && speculative == 0 }

    func fail(_ instancePath: PathNode?, _ keywordPath: PathNode?, _ keyword: String, _ message: String) {
        guard recording else { return }
        violations.append(SchemaViolation(instanceLocation: PathNode.pointer(instancePath),
                                          keywordLocation: PathNode.pointer(PathNode(keywordPath, keyword)), message: message))
    }

    func evaluate(_ node: SchemaNode, _ instance: JSONValue, instancePath: PathNode?, keywordPath: PathNode?,
                           scope inheritedScope: ScopeNode?, refDepth: Int, wantAnnotations: Bool) throws(SchemaError) -> (valid: Bool, annotations: Annotations) {
        var annotations = Annotations()
        budget -= 1
        if budget < 0 {
            throw SchemaError(keywordLocation: PathNode.pointer(keywordPath),
                              reason: "validating the value needs more than \(initialBudget) subschema evaluations, the limit for a value of its size (\(Evaluation.baseBudget) plus \(Evaluation.budgetPerValue) per value in it): the schema's $refs multiply (allOf, anyOf or properties reaching one subschema by several paths, nested); reached at instance \(PathNode.pointer(instancePath).isEmpty ? "(root)" : PathNode.pointer(instancePath))")
        }
        if let b = node.alwaysValid {
            if !b { fail(instancePath, keywordPath, "", "no value is allowed here (the schema is false)") }
            return (b, annotations)
        }
        var scope = inheritedScope
        if scope?.resource != node.resource { scope = ScopeNode(scope, node.resource) }
        let collectAnnotations = wantAnnotations || node.wantsAnnotations
        var valid = true
        // Stop at the first failure unless every error is wanted.
        func done(_ ok: Bool) -> Bool {
            if !ok { valid = false }
            return !valid && !recording
        }

        if let ref = node.ref {
            if refDepth > Evaluation.maximumRefDepth {
                throw SchemaError(keywordLocation: PathNode.pointer(PathNode(keywordPath, "$ref")), reason: "$ref \"\(ref)\" loops without consuming the value (a reference cycle)")
            }
            let target: SchemaNode
            if let t = node.refTarget { target = t } else {
                target = try registry.resolve(ref, draft: node.draft, from: PathNode.pointer(PathNode(keywordPath, "$ref")))
                node.refTarget = target
            }
            let r = try evaluate(target, instance, instancePath: instancePath, keywordPath: PathNode(keywordPath, "$ref"),
                                 scope: scope, refDepth: refDepth + 1, wantAnnotations: collectAnnotations)
            if r.valid { annotations.merge(r.annotations) }
            if done(r.valid) { return (false, annotations) }
            if node.draft == .draft7 { return (valid, annotations) }
        }
        if let dynamicRef = node.dynamicRef {
            if refDepth > Evaluation.maximumRefDepth {
                throw SchemaError(keywordLocation: PathNode.pointer(PathNode(keywordPath, "$dynamicRef")), reason: "$dynamicRef \"\(dynamicRef)\" loops without consuming the value")
            }
            let location = PathNode.pointer(PathNode(keywordPath, "$dynamicRef"))
            var target = try registry.resolve(dynamicRef, draft: node.draft, from: location)
            if let name = URIReference(dynamicRef).fragment, !name.isEmpty, !name.hasPrefix("/"), target.dynamicAnchor == name {
                var chain: [String] = []
                var s = scope
                while let x = s { chain.append(x.resource); s = x.parent }
                for resource in chain.reversed() {
                    if let t = registry.dynamicAnchors[resource + "#" + name] { target = t; break }
                }
            }
            let r = try evaluate(target, instance, instancePath: instancePath, keywordPath: PathNode(keywordPath, "$dynamicRef"),
                                 scope: scope, refDepth: refDepth + 1, wantAnnotations: collectAnnotations)
            if r.valid { annotations.merge(r.annotations) }
            if done(r.valid) { return (false, annotations) }
        }

        if node.validationVocabulary {
            if let types = node.types, !types.contains(where: { Evaluation.hasType(instance, $0) }) {
                fail(instancePath, keywordPath, "type", "is \(Evaluation.typeName(instance)), not \(types.joined(separator: " or "))")
                if done(false) { return (false, annotations) }
            }
            if let values = node.enumValues, !values.contains(where: { $0.jsonEquals(instance) }) {
                fail(instancePath, keywordPath, "enum", "\(Evaluation.show(instance)) is not one of \(values.map(Evaluation.show).joined(separator: ", "))")
                if done(false) { return (false, annotations) }
            }
            if node.hasConst, let c = node.constValue, !c.jsonEquals(instance) {
                fail(instancePath, keywordPath, "const", "must be \(Evaluation.show(c))")
                if done(false) { return (false, annotations) }
            }
            if !(try validateScalar(node, instance, instancePath, keywordPath, done)) { return (false, annotations) }
        }

        // In-place applicators.
        if let all = node.allOf {
            for (i, s) in all.enumerated() {
                let r = try evaluate(s, instance, instancePath: instancePath, keywordPath: PathNode(PathNode(keywordPath, "allOf"), String(i)),
                                     scope: scope, refDepth: refDepth, wantAnnotations: collectAnnotations)
                if r.valid { annotations.merge(r.annotations) } else if done(false) { return (false, annotations) }
            }
        }
        if let any = node.anyOf {
            speculative += 1
            var matched = false
            for (i, s) in any.enumerated() {
                let r = try evaluate(s, instance, instancePath: instancePath, keywordPath: PathNode(PathNode(keywordPath, "anyOf"), String(i)),
                                     scope: scope, refDepth: refDepth, wantAnnotations: collectAnnotations)
                if r.valid {
                    matched = true
                    annotations.merge(r.annotations)
                    if !collectAnnotations { break }
                }
            }
            speculative -= 1
            if !matched {
                fail(instancePath, keywordPath, "anyOf", "matches none of the \(any.count) alternatives")
                if done(false) { return (false, annotations) }
            }
        }
        if let one = node.oneOf {
            speculative += 1
            var matches: [Int] = []
            for (i, s) in one.enumerated() {
                let r = try evaluate(s, instance, instancePath: instancePath, keywordPath: PathNode(PathNode(keywordPath, "oneOf"), String(i)),
                                     scope: scope, refDepth: refDepth, wantAnnotations: collectAnnotations)
                if r.valid {
                    matches.append(i)
                    if matches.count == 1 { annotations.merge(r.annotations) }
                    if matches.count > 1 { break }
                }
            }
            speculative -= 1
            if matches.count != 1 {
                fail(instancePath, keywordPath, "oneOf", matches.isEmpty ? "matches none of the \(one.count) alternatives"
                                                                          : "matches more than one alternative (\(matches.map(String.init).joined(separator: ", ")))")
                if done(false) { return (false, annotations) }
            }
        }
        if let not = node.not {
            speculative += 1
            let r = try evaluate(not, instance, instancePath: instancePath, keywordPath: PathNode(keywordPath, "not"),
                                 scope: scope, refDepth: refDepth, wantAnnotations: false)
            speculative -= 1
            if r.valid {
                fail(instancePath, keywordPath, "not", "matches a schema it must not match")
                if done(false) { return (false, annotations) }
            }
        }
        if let cond = node.ifSchema {
            speculative += 1
            let r = try evaluate(cond, instance, instancePath: instancePath, keywordPath: PathNode(keywordPath, "if"),
                                 scope: scope, refDepth: refDepth, wantAnnotations: collectAnnotations)
            speculative -= 1
            if r.valid {
                annotations.merge(r.annotations)
                if let then = node.thenSchema {
                    let t = try evaluate(then, instance, instancePath: instancePath, keywordPath: PathNode(keywordPath, "then"),
                                         scope: scope, refDepth: refDepth, wantAnnotations: collectAnnotations)
                    if t.valid { annotations.merge(t.annotations) } else if done(false) { return (false, annotations) }
                }
            } else if let otherwise = node.elseSchema {
                let e = try evaluate(otherwise, instance, instancePath: instancePath, keywordPath: PathNode(keywordPath, "else"),
                                     scope: scope, refDepth: refDepth, wantAnnotations: collectAnnotations)
                if e.valid { annotations.merge(e.annotations) } else if done(false) { return (false, annotations) }
            }
        }

        switch instance {
        case .object(let object):
            if !(try evaluateObject(node, object, instancePath, keywordPath, scope, refDepth, collectAnnotations, &annotations, done)) { return (false, annotations) }
        case .array(let array):
            if !(try evaluateArray(node, array, instancePath, keywordPath, scope, refDepth, collectAnnotations, &annotations, done)) { return (false, annotations) }
        default:
            break
        }
        return (valid, annotations)
    }

    private func validateScalar(_ node: SchemaNode, _ instance: JSONValue, _ ip: PathNode?, _ kp: PathNode?,
                                         _ done: (Bool) -> Bool) throws(SchemaError) -> Bool {
        if let x = instance.numberValue {
            if let m = node.multipleOf, m > 0, !Evaluation.isMultiple(instance, of: m) {
                fail(ip, kp, "multipleOf", "\(Evaluation.show(instance)) is not a multiple of \(Evaluation.number(m))")
                if done(false) { return false }
            }
            if let m = node.maximum, x > m { fail(ip, kp, "maximum", "\(Evaluation.show(instance)) is greater than \(Evaluation.number(m))"); if done(false) { return false } }
            if let m = node.exclusiveMaximum, x >= m { fail(ip, kp, "exclusiveMaximum", "\(Evaluation.show(instance)) is not less than \(Evaluation.number(m))"); if done(false) { return false } }
            if let m = node.minimum, x < m { fail(ip, kp, "minimum", "\(Evaluation.show(instance)) is less than \(Evaluation.number(m))"); if done(false) { return false } }
            if let m = node.exclusiveMinimum, x <= m { fail(ip, kp, "exclusiveMinimum", "\(Evaluation.show(instance)) is not greater than \(Evaluation.number(m))"); if done(false) { return false } }
        }
        if case .string(let s) = instance {
            if node.maxLength != nil || node.minLength != nil {
                let length = s.unicodeScalars.count
                if let m = node.maxLength, length > m { fail(ip, kp, "maxLength", "is \(length) characters long, more than \(m)"); if done(false) { return false } }
                if let m = node.minLength, length < m { fail(ip, kp, "minLength", "is \(length) characters long, fewer than \(m)"); if done(false) { return false } }
            }
            if let p = node.pattern, !(try search(p, s, keywordPath: PathNode(kp, "pattern"), instancePath: ip)) {
                fail(ip, kp, "pattern", "\(Evaluation.show(instance)) does not match \(node.patternSource ?? "")")
                if done(false) { return false }
            }
        }
        return true
    }

    private func evaluateObject(_ node: SchemaNode, _ object: [String: JSONValue], _ ip: PathNode?, _ kp: PathNode?,
                                         _ scope: ScopeNode?, _ refDepth: Int, _ collectAnnotations: Bool,
                                         _ annotations: inout Annotations, _ done: (Bool) -> Bool) throws(SchemaError) -> Bool {
        if node.validationVocabulary {
            if let m = node.maxProperties, object.count > m { fail(ip, kp, "maxProperties", "has \(object.count) properties, more than \(m)"); if done(false) { return false } }
            if let m = node.minProperties, object.count < m { fail(ip, kp, "minProperties", "has \(object.count) properties, fewer than \(m)"); if done(false) { return false } }
            if let required = node.required {
                for name in required where object[name] == nil {
                    fail(ip, kp, "required", "the required property '\(name)' is missing")
                    if done(false) { return false }
                }
            }
            for (name, needs) in node.dependentRequired where object[name] != nil {
                for other in needs where object[other] == nil {
                    fail(ip, kp, node.draft == .draft7 ? "dependencies" : "dependentRequired", "'\(name)' is present, so '\(other)' is required")
                    if done(false) { return false }
                }
            }
        }
        for (name, schema) in node.dependentSchemas where object[name] != nil {
            let keyword = node.draft == .draft7 ? "dependencies" : "dependentSchemas"
            let r = try evaluate(schema, .object(object), instancePath: ip, keywordPath: PathNode(PathNode(kp, keyword), name),
                                 scope: scope, refDepth: refDepth, wantAnnotations: collectAnnotations)
            if r.valid { annotations.merge(r.annotations) } else if done(false) { return false }
        }
        if let names = node.propertyNames {
            for key in object.keys.sorted() {
                let r = try evaluate(names, .string(key), instancePath: PathNode(ip, key), keywordPath: PathNode(kp, "propertyNames"),
                                     scope: scope, refDepth: 0, wantAnnotations: false)
                if !r.valid && done(false) { return false }
            }
        }
        let hasObjectApplicators = node.properties != nil || node.patternProperties != nil || node.additionalProperties != nil
        if hasObjectApplicators {
            for key in object.keys.sorted() {
                let value = object[key]!
                var matched = false
                if let s = node.properties?[key] {
                    matched = true
                    let r = try evaluate(s, value, instancePath: PathNode(ip, key), keywordPath: PathNode(PathNode(kp, "properties"), key),
                                         scope: scope, refDepth: 0, wantAnnotations: false)
                    if r.valid { annotations.properties.insert(key) } else if done(false) { return false }
                }
                if let patterns = node.patternProperties {
                    for (regex, source, s) in patterns where try search(regex, key, keywordPath: PathNode(PathNode(kp, "patternProperties"), source), instancePath: PathNode(ip, key)) {
                        matched = true
                        let r = try evaluate(s, value, instancePath: PathNode(ip, key), keywordPath: PathNode(PathNode(kp, "patternProperties"), source),
                                             scope: scope, refDepth: 0, wantAnnotations: false)
                        if r.valid { annotations.properties.insert(key) } else if done(false) { return false }
                    }
                }
                if !matched, let extra = node.additionalProperties {
                    let r = try evaluate(extra, value, instancePath: PathNode(ip, key), keywordPath: PathNode(kp, "additionalProperties"),
                                         scope: scope, refDepth: 0, wantAnnotations: false)
                    if r.valid { annotations.properties.insert(key) } else {
                        if case .bool(false) = extra.json { fail(PathNode(ip, key), kp, "additionalProperties", "is not allowed (additionalProperties is false)") }
                        if done(false) { return false }
                    }
                }
            }
        }
        if let unevaluated = node.unevaluatedProperties {
            for key in object.keys.sorted() where !annotations.properties.contains(key) {
                let r = try evaluate(unevaluated, object[key]!, instancePath: PathNode(ip, key), keywordPath: PathNode(kp, "unevaluatedProperties"),
                                     scope: scope, refDepth: 0, wantAnnotations: false)
                if r.valid { annotations.properties.insert(key) } else {
                    if case .bool(false) = unevaluated.json { fail(PathNode(ip, key), kp, "unevaluatedProperties", "is not allowed (unevaluatedProperties is false)") }
                    if done(false) { return false }
                }
            }
        }
        return true
    }

    private func evaluateArray(_ node: SchemaNode, _ array: [JSONValue], _ ip: PathNode?, _ kp: PathNode?,
                                        _ scope: ScopeNode?, _ refDepth: Int, _ collectAnnotations: Bool,
                                        _ annotations: inout Annotations, _ done: (Bool) -> Bool) throws(SchemaError) -> Bool {
        if node.validationVocabulary {
            if let m = node.maxItems, array.count > m { fail(ip, kp, "maxItems", "has \(array.count) items, more than \(m)"); if done(false) { return false } }
            if let m = node.minItems, array.count < m { fail(ip, kp, "minItems", "has \(array.count) items, fewer than \(m)"); if done(false) { return false } }
            if node.uniqueItems, array.count > 1 {
                outer: for i in 0..<array.count {
                    for j in (i + 1)..<array.count where array[i].jsonEquals(array[j]) {
                        fail(ip, kp, "uniqueItems", "items \(i) and \(j) are equal")
                        if done(false) { return false }
                        break outer
                    }
                }
            }
        }
        var prefixCount = 0
        if let prefix = node.prefixItems {
            let keyword = node.draft == .draft7 ? "items" : "prefixItems"
            for (i, s) in prefix.enumerated() where i < array.count {
                let r = try evaluate(s, array[i], instancePath: PathNode(ip, String(i)), keywordPath: PathNode(PathNode(kp, keyword), String(i)),
                                     scope: scope, refDepth: 0, wantAnnotations: false)
                if !r.valid && done(false) { return false }
            }
            prefixCount = min(prefix.count, array.count)
            annotations.itemsPrefix = max(annotations.itemsPrefix, prefixCount)
        }
        let rest = node.draft == .draft7 && node.prefixItems != nil ? node.additionalItems : node.items
        if let rest {
            let keyword = node.draft == .draft7 && node.prefixItems != nil ? "additionalItems" : "items"
            for i in prefixCount..<max(prefixCount, array.count) {
                let r = try evaluate(rest, array[i], instancePath: PathNode(ip, String(i)), keywordPath: PathNode(kp, keyword),
                                     scope: scope, refDepth: 0, wantAnnotations: false)
                if !r.valid {
                    if case .bool(false) = rest.json { fail(PathNode(ip, String(i)), kp, keyword, "no items are allowed beyond the first \(prefixCount)") }
                    if done(false) { return false }
                }
            }
            annotations.allItems = true
        }
        if let contains = node.contains {
            speculative += 1
            var found = 0
            for (i, item) in array.enumerated() {
                let r = try evaluate(contains, item, instancePath: PathNode(ip, String(i)), keywordPath: PathNode(kp, "contains"),
                                     scope: scope, refDepth: 0, wantAnnotations: false)
                if r.valid { found += 1; annotations.containsIndices.insert(i) }
            }
            speculative -= 1
            let minimum = node.validationVocabulary ? (node.minContains ?? 1) : 1
            if found < minimum {
                fail(ip, kp, node.minContains != nil ? "minContains" : "contains",
                     found == 0 ? "contains no item that matches" : "contains \(found) matching items, fewer than \(minimum)")
                if done(false) { return false }
            }
            if node.validationVocabulary, let m = node.maxContains, found > m {
                fail(ip, kp, "maxContains", "contains \(found) matching items, more than \(m)")
                if done(false) { return false }
            }
        }
        if let unevaluated = node.unevaluatedItems, !annotations.allItems {
            for i in annotations.itemsPrefix..<max(annotations.itemsPrefix, array.count) where !annotations.containsIndices.contains(i) {
                let r = try evaluate(unevaluated, array[i], instancePath: PathNode(ip, String(i)), keywordPath: PathNode(kp, "unevaluatedItems"),
                                     scope: scope, refDepth: 0, wantAnnotations: false)
                if !r.valid {
                    if case .bool(false) = unevaluated.json { fail(PathNode(ip, String(i)), kp, "unevaluatedItems", "is not allowed (unevaluatedItems is false)") }
                    if done(false) { return false }
                }
            }
            annotations.allItems = true
        }
        return true
    }

    // MARK: - Helpers

    static func hasType(_ v: JSONValue, _ type: String) -> Bool {
        switch type {
        case "null": if case .null = v { return true }
        case "boolean": if case .bool = v { return true }
        case "string": if case .string = v { return true }
        case "array": if case .array = v { return true }
        case "object": if case .object = v { return true }
        case "number": return v.numberValue != nil
        case "integer": return v.isInteger
        default: return false
        }
        return false
    }

    static func typeName(_ v: JSONValue) -> String {
        if case .number = v, v.isInteger { return "integer" }
        return v.typeName
    }

    static func isMultiple(_ v: JSONValue, of m: Double) -> Bool {
        if case .integer(let i) = v, m.rounded() == m, m.magnitude < 9e18 { return i % Int64(m) == 0 }
        guard let x = v.numberValue else { return true }
        let q = x / m
        guard q.isFinite else { return false }
        return (q - q.rounded()).magnitude < 1e-9 * max(1, q.magnitude.squareRoot())
    }

    /// Whether `pattern` matches in `s`, with steps from `patternBudget`; a
    /// pattern that runs out of them is a schema error at `keywordPath`.
    func search(_ pattern: ECMAPattern, _ s: String, keywordPath: PathNode, instancePath: PathNode?) throws(SchemaError) -> Bool {
        do {
            return try pattern.matches(in: s, budget: &patternBudget)
        } catch {
            let at = PathNode.pointer(instancePath)
            throw SchemaError(keywordLocation: PathNode.pointer(keywordPath),
                              reason: "pattern \(JSONValue.string(pattern.source).jsonText) is too expensive to evaluate: matching it against \(Evaluation.show(.string(s))) at instance \(at.isEmpty ? "(root)" : at) needs more than the \(initialPatternBudget) backtracking steps a validation of this value may take (\(ECMAPattern.stepBudget) plus \(Evaluation.patternBudgetPerValue) per value in it); backreferences and lookaround run on a backtracking matcher: rewrite the pattern without them")
        }
    }

    static func number(_ d: Double) -> String {
        d.rounded() == d && d.magnitude < 1e15 ? String(Int64(d)) : String(d)
    }

    static func show(_ v: JSONValue) -> String {
        let text = v.jsonText
        return text.count > 60 ? String(text.prefix(57)) + "..." : text
    }
}

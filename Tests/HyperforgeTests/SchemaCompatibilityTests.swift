import Foundation
import HyperforgeCore
@testable import HyperforgeRealm
import Testing

/// Schema changes, each rule in both directions: what changed, where, and
/// whom it breaks. A widening change breaks the RFC's `backwards` promise
/// (old importers reading new values); a narrowing one breaks `forwards`
/// (old values under the new schema).
@Suite struct SchemaCompatibilityTests {
    static func changes(_ old: String, _ new: String) throws -> [SchemaChange] {
        let a = try SchemaRegistry().compile(try JSONParser.parse(old))
        let b = try SchemaRegistry().compile(try JSONParser.parse(new))
        return try SchemaCompatibility.compare(old: a, new: b, backwards: true, forwards: true).changes
    }

    struct Case: Sendable, CustomStringConvertible {
        var old: String, new: String, kind: String, pointer: String, effect: SchemaChange.Effect
        var description: String { kind + " " + old + " → " + new }
    }

    static let cases: [Case] = [
        // Types.
        Case(old: #"{"type":["string","null"]}"#, new: #"{"type":"string"}"#, kind: "type-narrowed", pointer: "", effect: .narrowing),
        Case(old: #"{"type":"string"}"#, new: #"{"type":["string","null"]}"#, kind: "type-widened", pointer: "", effect: .widening),
        Case(old: #"{"type":"integer"}"#, new: #"{"type":"number"}"#, kind: "type-widened", pointer: "", effect: .widening),
        Case(old: #"{"type":"number"}"#, new: #"{"type":"integer"}"#, kind: "type-narrowed", pointer: "", effect: .narrowing),
        Case(old: #"{"type":"string"}"#, new: #"{"type":"boolean"}"#, kind: "type-changed", pointer: "", effect: .both),
        // Properties in the three content models.
        Case(old: #"{"type":"object","properties":{"a":{"type":"string"}}}"#,
             new: #"{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"integer"}}}"#, kind: "property-added", pointer: "/properties/b", effect: .narrowing),
        Case(old: #"{"type":"object","properties":{"a":{}},"additionalProperties":false}"#,
             new: #"{"type":"object","properties":{"a":{},"b":{"type":"integer"}},"additionalProperties":false}"#, kind: "property-added", pointer: "/properties/b", effect: .widening),
        Case(old: #"{"type":"object","additionalProperties":{"type":"integer"}}"#,
             new: #"{"type":"object","properties":{"b":{"type":"integer","minimum":0}},"additionalProperties":{"type":"integer"}}"#, kind: "limit-added", pointer: "/properties/b/minimum", effect: .narrowing),
        Case(old: #"{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"integer"}}}"#,
             new: #"{"type":"object","properties":{"a":{"type":"string"}}}"#, kind: "property-removed", pointer: "/properties/b", effect: .widening),
        Case(old: #"{"type":"object","properties":{"a":{},"b":{"type":"integer"}},"additionalProperties":false}"#,
             new: #"{"type":"object","properties":{"a":{}},"additionalProperties":false}"#, kind: "property-removed", pointer: "/properties/b", effect: .narrowing),
        Case(old: #"{"properties":{"n":{"type":"string"}}}"#, new: #"{"properties":{"n":{"type":"integer"}}}"#, kind: "type-changed", pointer: "/properties/n", effect: .both),
        // Required.
        Case(old: #"{"required":["a"]}"#, new: #"{"required":["a","b"]}"#, kind: "required-added", pointer: "/required", effect: .narrowing),
        Case(old: #"{"required":["a","b"]}"#, new: #"{"required":["a"]}"#, kind: "required-removed", pointer: "/required", effect: .widening),
        // additionalProperties.
        Case(old: #"{"type":"object"}"#, new: #"{"type":"object","additionalProperties":false}"#, kind: "additional-properties-closed", pointer: "/additionalProperties", effect: .narrowing),
        Case(old: #"{"type":"object","additionalProperties":false}"#, new: #"{"type":"object"}"#, kind: "additional-properties-opened", pointer: "/additionalProperties", effect: .widening),
        Case(old: #"{"additionalProperties":{"type":"string"}}"#, new: #"{"additionalProperties":{"type":["string","null"]}}"#, kind: "type-widened", pointer: "/additionalProperties", effect: .widening),
        // Enums and const.
        Case(old: #"{"enum":["a","b","c"]}"#, new: #"{"enum":["a","b"]}"#, kind: "enum-value-removed", pointer: "/enum", effect: .narrowing),
        Case(old: #"{"enum":["a","b"]}"#, new: #"{"enum":["a","b","c"]}"#, kind: "enum-value-added", pointer: "/enum", effect: .widening),
        Case(old: #"{"type":"string"}"#, new: #"{"type":"string","enum":["a"]}"#, kind: "enum-added", pointer: "/enum", effect: .narrowing),
        Case(old: #"{"const":1}"#, new: #"{"const":2}"#, kind: "const-changed", pointer: "/const", effect: .both),
        // Limits, each way.
        Case(old: #"{"maxLength":10}"#, new: #"{"maxLength":5}"#, kind: "limit-tightened", pointer: "/maxLength", effect: .narrowing),
        Case(old: #"{"maxLength":5}"#, new: #"{"maxLength":10}"#, kind: "limit-loosened", pointer: "/maxLength", effect: .widening),
        Case(old: #"{"minimum":0}"#, new: #"{"minimum":1}"#, kind: "limit-tightened", pointer: "/minimum", effect: .narrowing),
        Case(old: #"{"minimum":1}"#, new: #"{"minimum":0}"#, kind: "limit-loosened", pointer: "/minimum", effect: .widening),
        Case(old: #"{"type":"array"}"#, new: #"{"type":"array","maxItems":3}"#, kind: "limit-added", pointer: "/maxItems", effect: .narrowing),
        Case(old: #"{"type":"array","minItems":1}"#, new: #"{"type":"array"}"#, kind: "limit-removed", pointer: "/minItems", effect: .widening),
        Case(old: #"{"multipleOf":2}"#, new: #"{"multipleOf":4}"#, kind: "limit-tightened", pointer: "/multipleOf", effect: .narrowing),
        Case(old: #"{"multipleOf":4}"#, new: #"{"multipleOf":2}"#, kind: "limit-loosened", pointer: "/multipleOf", effect: .widening),
        Case(old: #"{"type":"array"}"#, new: #"{"type":"array","uniqueItems":true}"#, kind: "limit-added", pointer: "/uniqueItems", effect: .narrowing),
        Case(old: #"{"pattern":"^a"}"#, new: #"{"pattern":"^b"}"#, kind: "pattern-changed", pointer: "/pattern", effect: .both),
        // Arrays.
        Case(old: #"{"type":"array","items":{"type":"string"}}"#, new: #"{"type":"array","items":{"type":"string","maxLength":3}}"#, kind: "limit-added", pointer: "/items/maxLength", effect: .narrowing),
        Case(old: #"{"prefixItems":[{"type":"string"}]}"#, new: #"{"prefixItems":[{"type":"string"},{"type":"integer"}]}"#, kind: "item-constrained", pointer: "/prefixItems/1", effect: .narrowing),
        // Combinators.
        Case(old: #"{"anyOf":[{"type":"string"}]}"#, new: #"{"anyOf":[{"type":"string"},{"type":"integer"}]}"#, kind: "anyOf-extended", pointer: "/anyOf", effect: .widening),
        Case(old: #"{"allOf":[{"type":"string"}]}"#, new: #"{"allOf":[{"type":"string"},{"minLength":1}]}"#, kind: "allOf-extended", pointer: "/allOf", effect: .narrowing),
        // Boolean schemas.
        Case(old: #"{"properties":{"x":true}}"#, new: #"{"properties":{"x":false}}"#, kind: "schema-closed", pointer: "/properties/x", effect: .narrowing),
        Case(old: #"{"properties":{"x":false}}"#, new: #"{"properties":{"x":true}}"#, kind: "schema-opened", pointer: "/properties/x", effect: .widening),
    ]

    @Test(arguments: cases)
    func eachRuleFindsItsChange(_ c: Case) throws {
        let found = try Self.changes(c.old, c.new)
        #expect(found.contains { $0.kind == c.kind && $0.pointer == c.pointer && $0.effect == c.effect },
                "expected \(c.kind) at \(c.pointer) (\(c.effect)), found:\n\(found.map(\.description).joined(separator: "\n"))")
        // The rule's opposite direction never reports the same effect for the same change.
        if c.effect == .widening || c.effect == .narrowing {
            let back = try Self.changes(c.new, c.old)
            #expect(back.contains { $0.effect != .none && $0.effect != c.effect }, "reversed: \(back)")
        }
    }

    @Test func identicalAndAnnotationOnlyChangesAreNotChanges() throws {
        #expect(try Self.changes(#"{"type":"string"}"#, #"{"type":"string"}"#).isEmpty)
        #expect(try Self.changes(#"{"type":"string","description":"a"}"#, #"{"description":"b","type":"string"}"#).isEmpty)
        #expect(try Self.changes(##"{"$defs":{"s":{"type":"string"}},"$ref":"#/$defs/s"}"##, ##"{"type":"string"}"##).isEmpty)
    }

    /// The RFC's example: s3-permissions gains an optional `delete` array with
    /// a default. Its content model is open, so old values could hold
    /// anything under `delete`: a narrowing change, which the contract's
    /// `backwards: true, forwards: false` allows. A minor version bump.
    @Test func theRFCsDeleteArrayIsCompatibleUnderItsFlags() throws {
        let old = #"{"type":"object","required":["read"],"properties":{"read":{"type":"array","items":{"type":"string"}},"write":{"type":"array","items":{"type":"string"},"default":[]}}}"#
        let new = #"{"type":"object","required":["read"],"properties":{"read":{"type":"array","items":{"type":"string"}},"write":{"type":"array","items":{"type":"string"},"default":[]},"delete":{"type":"array","items":{"type":"string"},"default":[]}}}"#
        let a = try SchemaRegistry().compile(try JSONParser.parse(old)), b = try SchemaRegistry().compile(try JSONParser.parse(new))
        let report = try SchemaCompatibility.compare(old: a, new: b, backwards: true, forwards: false)
        #expect(report.changes.count == 1)
        let change = try #require(report.changes.first)
        #expect(change.kind == "property-added" && change.pointer == "/properties/delete" && change.effect == .narrowing)
        #expect(change.detail.contains("'delete' added (optional, default=[])"), "\(change.detail)")
        #expect(report.isCompatible)
        // Promising forwards compatibility too would make it breaking.
        #expect(!(try SchemaCompatibility.compare(old: a, new: b, backwards: true, forwards: true).isCompatible))
        // Removing `read` from required widens: breaks the backwards promise.
        let looser = try SchemaRegistry().compile(try JSONParser.parse(new.replacingOccurrences(of: #""required":["read"],"#, with: "")))
        let r2 = try SchemaCompatibility.compare(old: b, new: looser, backwards: true, forwards: false)
        #expect(!r2.isCompatible && r2.breaking.map(\.kind) == ["required-removed"])
    }

    @Test func recursiveSchemasTerminate() throws {
        let tree = ##"{"$defs":{"node":{"type":"object","properties":{"value":{"type":"integer"},"children":{"type":"array","items":{"$ref":"#/$defs/node"}}}}},"$ref":"#/$defs/node"}"##
        let deeper = tree.replacingOccurrences(of: #""value":{"type":"integer"}"#, with: #""value":{"type":"integer","minimum":0}"#)
        let found = try Self.changes(tree, deeper)
        #expect(found.map(\.pointer) == ["/properties/value/minimum"], "\(found)")
        #expect(try Self.changes(tree, tree).isEmpty)
    }
}

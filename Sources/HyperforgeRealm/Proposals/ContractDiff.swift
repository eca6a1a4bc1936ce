import HyperforgeCore

/// What changed between two versions of a contract, by JSON pointer into
/// the contract document (`/value/read/4`, `/schema/properties/delete`):
/// objects key by key, lists of plain values as sets (an added path is one
/// `add`, wherever it sits), other lists item by item.
enum ContractDiff {
    static let limit = 200

    static func changes(from old: Contract, to new: Contract) -> [Proposal.PointerChange] {
        var out: [Proposal.PointerChange] = []
        walk(document(old), document(new), "", &out)
        return out
    }

    static func document(_ c: Contract) -> JSONValue {
        var o: [String: JSONValue] = ["compatibility": .object(["backwards": .bool(c.backwards), "forwards": .bool(c.forwards)]), "schema": c.schema]
        if let v = c.value { o["value"] = v }
        if let v = c.validation {
            var validation: [String: JSONValue] = ["ci_only": .array(v.ciOnly.map(JSONValue.string))]
            if let e = v.exporter { validation["exporter"] = .string(e) }
            if let i = v.importer { validation["importer"] = .string(i) }
            o["validation"] = .object(validation)
        }
        return .object(o)
    }

    static func escape(_ key: String) -> String { key.replacing("~", with: "~0").replacing("/", with: "~1") }

    static func walk(_ a: JSONValue?, _ b: JSONValue?, _ pointer: String, _ out: inout [Proposal.PointerChange]) {
        guard out.count < limit, a != b else { return }
        switch (a, b) {
        case (nil, let b?): out.append(.init(pointer: pointer, op: "add", value: b))
        case (let a?, nil): out.append(.init(pointer: pointer, op: "remove", value: a))
        case (.object(let x)?, .object(let y)?):
            for key in Set(x.keys).union(y.keys).sorted() { walk(x[key], y[key], pointer + "/" + escape(key), &out) }
        case (.array(let x)?, .array(let y)?):
            let plain = (x + y).allSatisfy { if case .array = $0 { return false }; if case .object = $0 { return false }; return true }
            if plain {
                let before = Set(x.map(\.jsonText)), after = Set(y.map(\.jsonText))
                for (i, v) in x.enumerated() where !after.contains(v.jsonText) && out.count < limit {
                    out.append(.init(pointer: pointer + "/\(i)", op: "remove", value: v))
                }
                for (i, v) in y.enumerated() where !before.contains(v.jsonText) && out.count < limit {
                    out.append(.init(pointer: pointer + "/\(i)", op: "add", value: v))
                }
            } else {
                for i in 0..<max(x.count, y.count) {
                    walk(i < x.count ? x[i] : nil, i < y.count ? y[i] : nil, pointer + "/\(i)", &out)
                }
            }
        case (_, let b?): out.append(.init(pointer: pointer, op: "replace", value: b))
        default: break
        }
    }

    /// `+ /value/read/4 "training-metrics/experiments/*"`, as the RFC shows a change.
    static func line(_ c: Proposal.PointerChange) -> String {
        let mark = c.op == "add" ? "+" : c.op == "remove" ? "-" : "~"
        let text = c.value.jsonText
        let shown = text.count > 120 ? String(text.prefix(117)) + "..." : text
        return "\(mark) \(c.pointer) \(shown)"
    }
}

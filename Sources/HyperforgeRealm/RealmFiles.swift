import FoundationEssentials
import Glibc
import HyperforgeCore
import Yams

/// What can be wrong with a file of a realm.
public enum RealmFileError: HyperforgeError, Equatable {
    case malformed(SourceLocation, String)
    case unknownField(SourceLocation, field: String, known: [String])
    case wrongType(SourceLocation, field: String, expected: String)
    case missing(SourceLocation, field: String)
    case invalid(SourceLocation, field: String, reason: String)

    public var exitStatus: ExitStatus { .configuration }

    public var description: String {
        switch self {
        case .malformed(let l, let m): return "\(l): malformed YAML: \(m)"
        case .unknownField(let l, let f, _): return "\(l): unknown field '\(f)'"
        case .wrongType(let l, let f, let e): return "\(l): '\(f)' must be \(e)"
        case .missing(let l, let f): return "\(l): required field '\(f)' is missing"
        case .invalid(let l, let f, let r): return "\(l): '\(f)' \(r)"
        }
    }

    public var hint: String? {
        if case .unknownField(_, _, let known) = self { return "known fields here: " + known.joined(separator: ", ") }
        return nil
    }
}

/// Reads one YAML file of a realm into typed values, checking every field:
/// unknown fields, wrong types and missing required fields are errors that
/// name the file and the line.
struct YAMLFields {
    let file: String
    let mark: Mark?
    private var entries: [(key: String, value: Node, mark: Mark?)] = []

    static func document(_ text: String, file: String) throws(RealmFileError) -> Node {
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw RealmFileError.malformed(SourceLocation(file: file, line: 1), "the file is empty")
            }
            return node
        } catch let e as RealmFileError {
            throw e
        } catch let e as YamlError {
            switch e {
            case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
                throw RealmFileError.malformed(SourceLocation(file: file, line: mark.line, column: mark.column), problem)
            case .duplicatedKeysInMapping(let duplicates, let context):
                throw RealmFileError.malformed(SourceLocation(file: file, line: context.mark.line), "duplicate keys: " + duplicates.joined(separator: ", "))
            default:
                throw RealmFileError.malformed(SourceLocation(file: file), "\(e)")
            }
        } catch {
            throw RealmFileError.malformed(SourceLocation(file: file), "\(error)")
        }
    }

    init(_ node: Node, file: String, field: String = "document", known: [String]) throws(RealmFileError) {
        self.file = file
        self.mark = node.mark
        guard case .mapping(let mapping) = node else {
            throw .wrongType(SourceLocation(file: file, line: node.mark?.line), field: field, expected: "a mapping")
        }
        for (k, v) in mapping {
            guard case .scalar(let s) = k else {
                throw .wrongType(SourceLocation(file: file, line: k.mark?.line), field: field, expected: "a mapping with text keys")
            }
            guard known.contains(s.string) else {
                throw .unknownField(SourceLocation(file: file, line: k.mark?.line), field: s.string, known: known)
            }
            entries.append((s.string, v, k.mark))
        }
    }

    func location(_ field: String? = nil) -> SourceLocation {
        if let field, let e = entries.first(where: { $0.key == field }) { return SourceLocation(file: file, line: e.mark?.line) }
        return SourceLocation(file: file, line: mark?.line)
    }

    func node(_ field: String) -> Node? { entries.first(where: { $0.key == field })?.value }

    func string(_ field: String) throws(RealmFileError) -> String? {
        guard let n = node(field) else { return nil }
        guard case .scalar(let s) = n, !(s.style == .plain && n.null != nil) else {
            throw .wrongType(location(field), field: field, expected: "text")
        }
        return s.string
    }

    func required(_ field: String) throws(RealmFileError) -> String {
        guard let s = try string(field) else { throw .missing(location(), field: field) }
        return s
    }

    func bool(_ field: String) throws(RealmFileError) -> Bool? {
        guard let n = node(field) else { return nil }
        guard let b = n.bool else { throw .wrongType(location(field), field: field, expected: "true or false") }
        return b
    }

    func int(_ field: String) throws(RealmFileError) -> Int? {
        guard let n = node(field) else { return nil }
        guard let i = n.int else { throw .wrongType(location(field), field: field, expected: "a whole number") }
        return i
    }

    func strings(_ field: String) throws(RealmFileError) -> [String]? {
        guard let n = node(field) else { return nil }
        guard case .sequence(let seq) = n else { throw .wrongType(location(field), field: field, expected: "a list of text") }
        var out: [String] = []
        for item in seq {
            guard case .scalar(let s) = item else {
                throw .wrongType(SourceLocation(file: file, line: item.mark?.line), field: field, expected: "a list of text")
            }
            out.append(s.string)
        }
        return out
    }

    func fields(_ field: String, known: [String]) throws(RealmFileError) -> YAMLFields? {
        guard let n = node(field) else { return nil }
        return try YAMLFields(n, file: file, field: field, known: known)
    }

    func list(_ field: String) throws(RealmFileError) -> [Node]? {
        guard let n = node(field) else { return nil }
        guard case .sequence(let seq) = n else { throw .wrongType(location(field), field: field, expected: "a list") }
        return Array(seq)
    }

    func json(_ field: String) throws(RealmFileError) -> JSONValue? {
        guard let n = node(field) else { return nil }
        return try YAMLFields.json(n, file: file)
    }

    /// One of `allowed`.
    func choice(_ field: String, _ allowed: [String]) throws(RealmFileError) -> String? {
        guard let s = try string(field) else { return nil }
        guard allowed.contains(s) else {
            throw .invalid(location(field), field: field, reason: "is \"\(s)\", not one of " + allowed.joined(separator: ", "))
        }
        return s
    }

    /// A name used as a file or ref component.
    func name(_ field: String, required: Bool = true) throws(RealmFileError) -> String? {
        guard let s = required ? try self.required(field) : try string(field) else { return nil }
        if let problem = RealmNames.problem(s) { throw .invalid(location(field), field: field, reason: "\"\(s)\" \(problem)") }
        return s
    }

    static func json(_ node: Node, file: String) throws(RealmFileError) -> JSONValue {
        switch node {
        case .scalar(let s):
            if s.style == .plain {
                if node.null != nil { return .null }
                if let b = node.bool { return .bool(b) }
                if let i = node.int { return .integer(Int64(i)) }
                if let d = node.float { return .number(d) }
            }
            return .string(s.string)
        case .sequence(let seq):
            var items: [JSONValue] = []
            for item in seq { items.append(try json(item, file: file)) }
            return .array(items)
        case .mapping(let m):
            var object: [String: JSONValue] = [:]
            for (k, v) in m {
                guard case .scalar(let key) = k else {
                    throw .wrongType(SourceLocation(file: file, line: k.mark?.line), field: "key", expected: "text")
                }
                object[key.string] = try json(v, file: file)
            }
            return .object(object)
        case .alias:
            throw .invalid(SourceLocation(file: file, line: node.mark?.line), field: "alias", reason: "YAML aliases are not allowed in realm files")
        }
    }
}

/// Names of repositories, domains and contracts: they become file names in
/// the realm and components of refs, so nothing that could escape a
/// directory or break a ref is allowed.
public enum RealmNames {
    public static func problem(_ name: String) -> String? {
        if name.isEmpty { return "is empty" }
        if name.utf8.count > 100 { return "is longer than 100 characters" }
        if name.hasPrefix(".") || name.hasPrefix("-") { return "may not start with '\(name.first!)'" }
        if name.hasSuffix(".lock") || name.hasSuffix(".") { return "may not end in '.lock' or '.'" }
        if name.contains("..") { return "may not contain '..'" }
        for c in name.unicodeScalars {
            let ok = (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || c == "-" || c == "_" || c == "."
            if !ok { return "may contain only letters, digits, '-', '_' and '.' (found '\(c.escaped(asASCII: true))')" }
        }
        return nil
    }
}

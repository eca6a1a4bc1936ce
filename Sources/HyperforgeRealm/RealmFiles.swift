import HyperforgeCore

/// What can be wrong with a file of a realm.
public enum RealmFileError: HyperforgeError, Equatable {
    case malformed(SourceLocation, String)
    case unknownField(SourceLocation, field: String, known: [String])
    case wrongType(SourceLocation, field: String, expected: String)
    case missing(SourceLocation, field: String)
    case invalid(SourceLocation, field: String, reason: String)
    /// Valid YAML that a realm file may not hold (YAMLReader): anchors and
    /// aliases, YAML 1.1 look-alikes, duplicate keys, what exceeds a limit.
    case refused(SourceLocation, String, hint: String?)

    public var exitStatus: ExitStatus { .configuration }

    public var description: String {
        switch self {
        case .malformed(let l, let m): return "\(l): malformed YAML: \(m)"
        case .unknownField(let l, let f, _): return "\(l): unknown field '\(f)'"
        case .wrongType(let l, let f, let e): return "\(l): '\(f)' must be \(e)"
        case .missing(let l, let f): return "\(l): required field '\(f)' is missing"
        case .invalid(let l, let f, let r): return "\(l): '\(f)' \(r)"
        case .refused(let l, let m, _): return "\(l): \(m)"
        }
    }

    public var hint: String? {
        switch self {
        case .unknownField(_, _, let known): return "known fields here: " + known.joined(separator: ", ")
        case .refused(_, _, let hint): return hint
        default: return nil
        }
    }
}

/// Reads one YAML file of a realm into typed values, checking every field:
/// unknown fields, wrong types and missing required fields are errors that
/// name the file and the line.
struct YAMLFields {
    let file: String
    let mark: YAMLMark
    private var entries: [(key: String, value: YAMLNode, mark: YAMLMark)] = []

    static func document(_ text: String, file: String) throws(RealmFileError) -> YAMLNode {
        try YAMLReader.document(text, file: file)
    }

    init(_ node: YAMLNode, file: String, field: String = "document", known: [String]) throws(RealmFileError) {
        self.file = file
        self.mark = node.mark
        guard case .mapping(let mapping, _) = node else {
            throw .wrongType(SourceLocation(file: file, line: node.mark.line), field: field, expected: "a mapping")
        }
        for (k, v) in mapping {
            guard case .scalar(let s) = k else {
                throw .wrongType(SourceLocation(file: file, line: k.mark.line), field: field, expected: "a mapping with text keys")
            }
            guard known.contains(s.text) else {
                throw .unknownField(SourceLocation(file: file, line: k.mark.line), field: s.text, known: known)
            }
            entries.append((s.text, v, k.mark))
        }
    }

    func location(_ field: String? = nil) -> SourceLocation {
        if let field, let e = entries.first(where: { $0.key == field }) { return SourceLocation(file: file, line: e.mark.line) }
        return SourceLocation(file: file, line: mark.line)
    }

    func node(_ field: String) -> YAMLNode? { entries.first(where: { $0.key == field })?.value }

    func string(_ field: String) throws(RealmFileError) -> String? {
        guard let n = node(field) else { return nil }
        guard case .scalar(let s) = n, s.value != .null else {
            throw .wrongType(location(field), field: field, expected: "text")
        }
        return s.text
    }

    func required(_ field: String) throws(RealmFileError) -> String {
        guard let s = try string(field) else { throw .missing(location(), field: field) }
        return s
    }

    func bool(_ field: String) throws(RealmFileError) -> Bool? {
        guard let n = node(field) else { return nil }
        guard case .scalar(let s) = n, case .bool(let b) = s.value else { throw .wrongType(location(field), field: field, expected: "true or false") }
        return b
    }

    func int(_ field: String) throws(RealmFileError) -> Int? {
        guard let n = node(field) else { return nil }
        guard case .scalar(let s) = n, case .int(let i) = s.value, let i = Int(exactly: i) else {
            throw .wrongType(location(field), field: field, expected: "a whole number")
        }
        return i
    }

    func strings(_ field: String) throws(RealmFileError) -> [String]? {
        guard let n = node(field) else { return nil }
        guard case .sequence(let seq, _) = n else { throw .wrongType(location(field), field: field, expected: "a list of text") }
        var out: [String] = []
        for item in seq {
            guard case .scalar(let s) = item else {
                throw .wrongType(SourceLocation(file: file, line: item.mark.line), field: field, expected: "a list of text")
            }
            out.append(s.text)
        }
        return out
    }

    func fields(_ field: String, known: [String]) throws(RealmFileError) -> YAMLFields? {
        guard let n = node(field) else { return nil }
        return try YAMLFields(n, file: file, field: field, known: known)
    }

    func list(_ field: String) throws(RealmFileError) -> [YAMLNode]? {
        guard let n = node(field) else { return nil }
        guard case .sequence(let seq, _) = n else { throw .wrongType(location(field), field: field, expected: "a list") }
        return seq
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

    static func json(_ node: YAMLNode, file: String) throws(RealmFileError) -> JSONValue {
        switch node {
        case .scalar(let s):
            switch s.value {
            case .null: return .null
            case .bool(let b): return .bool(b)
            case .int(let i): return .integer(i)
            case .float(let d):
                // `.inf`, `.nan` and floats beyond a double (1e999) are YAML, not JSON: a
                // contract's schema and value travel as JSON (the index, scripts' input),
                // where they would turn into null (found by fuzz/, realm).
                guard d.isFinite else {
                    throw .refused(SourceLocation(file: file, line: s.mark.line), "'\(s.text)' is not a JSON number (a contract's schema and value are JSON)",
                                   hint: "write a finite number, or quote it if it is text")
                }
                return .number(d)
            case .string: return .string(s.text)
            }
        case .sequence(let seq, _):
            var items: [JSONValue] = []
            for item in seq { items.append(try json(item, file: file)) }
            return .array(items)
        case .mapping(let m, _):
            var object: [String: JSONValue] = [:]
            for (k, v) in m {
                guard case .scalar(let key) = k else {
                    throw .wrongType(SourceLocation(file: file, line: k.mark.line), field: "key", expected: "text")
                }
                object[key.text] = try json(v, file: file)
            }
            return .object(object)
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

    /// Why `branch` cannot be the realm's branch, or nil: git's rules for a
    /// branch name (git-check-ref-format(1) for refs/heads/BRANCH), checked
    /// before anything is created, so that a bad --branch leaves nothing behind.
    public static func branchProblem(_ branch: String) -> String? {
        if branch.isEmpty { return "is empty" }
        if branch.utf8.count > 200 { return "is longer than 200 characters" }
        if branch.hasPrefix("-") { return "may not start with '-'" }
        if branch == "@" || branch == "HEAD" { return "may not be '\(branch)'" }
        for bad in ["..", "@{", "//"] where branch.contains(bad) { return "may not contain '\(bad)'" }
        if branch.hasSuffix("/") || branch.hasSuffix(".") { return "may not end in '\(branch.last!)'" }
        if branch.hasPrefix("/") { return "may not start with '/'" }
        for component in branch.split(separator: "/") {
            if component.hasPrefix(".") { return "has a part starting with '.' ('\(component)')" }
            if component.hasSuffix(".lock") { return "has a part ending in '.lock' ('\(component)')" }
        }
        for c in branch.unicodeScalars where c.value < 0x20 || c.value == 0x7F || " ~^:?*[\\".unicodeScalars.contains(c) {
            return "may not contain '\(c.escaped(asASCII: true))' (git's rules for branch names)"
        }
        return nil
    }
}

import CYAML
import HyperforgeCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A place in a YAML text (1-based).
struct YAMLMark: Sendable, Equatable {
    var line: Int
    var column: Int
}

/// A scalar as written, and what it means (YAMLScalars).
struct YAMLScalar: Sendable {
    enum Style: Sendable, Equatable { case plain, singleQuoted, doubleQuoted, literal, folded }

    var text: String
    var style: Style
    /// The explicit tag, in full (`tag:yaml.org,2002:str` for `!!str`); nil when none.
    var tag: String?
    var value: YAMLValue
    var mark: YAMLMark
}

/// A node of a realm file. There are no anchors or aliases: the reader refuses them.
enum YAMLNode: Sendable {
    case scalar(YAMLScalar)
    case sequence([YAMLNode], mark: YAMLMark)
    /// Entries in the file's order; keys are unique (by text).
    case mapping([(key: YAMLNode, value: YAMLNode)], mark: YAMLMark)

    var mark: YAMLMark {
        switch self {
        case .scalar(let s): return s.mark
        case .sequence(_, let m), .mapping(_, let m): return m
        }
    }

    /// A scalar's text, whatever it means (`~` is "~"); nil for collections.
    var string: String? {
        if case .scalar(let s) = self { return s.text }
        return nil
    }

    subscript(key: String) -> YAMLNode? {
        guard case .mapping(let entries, _) = self else { return nil }
        return entries.first { $0.key.string == key }?.value
    }

    subscript(index: Int) -> YAMLNode? {
        guard case .sequence(let items, _) = self, items.indices.contains(index) else { return nil }
        return items[index]
    }
}

/// Reads one YAML document with libyaml's event parser into YAMLNodes.
///
/// Refused, each naming the file and line: anchors and aliases (at the event,
/// before anything could be expanded), duplicate keys, tags other than the
/// core schema's, more than one document, plain scalars that YAML 1.1 reads
/// differently (YAMLScalars), and anything beyond the limits.
enum YAMLReader {
    struct Limits: Sendable {
        /// Bytes in one file.
        var bytes: Int
        /// Sequences and mappings inside each other.
        var depth: Int
        /// Scalars, sequences and mappings in one file.
        var nodes: Int

        /// The limits for a realm file (README: "git realm"): well above
        /// what contracts need (a 10 MB value is tested to validate), well
        /// below what could exhaust memory.
        static let realm = Limits(bytes: 32 << 20, depth: 64, nodes: 1_000_000)
    }

    static func document(_ text: String, file: String, limits: Limits = .realm) throws(RealmFileError) -> YAMLNode {
        var text = text
        let result: Result<YAMLNode, RealmFileError> = text.withUTF8 { bytes in
            if bytes.count > limits.bytes {
                return .failure(.refused(SourceLocation(file: file, line: lines(bytes, upTo: limits.bytes)),
                                         "the file is \(bytes.count) bytes, more than the \(limits.bytes) a realm file may have", hint: nil))
            }
            var reader = EventReader(file: file, limits: limits)
            return Result { () throws(RealmFileError) in try reader.read(bytes) }
        }
        return try result.get()
    }

    /// The line that byte `end` is on.
    static func lines(_ bytes: UnsafeBufferPointer<UInt8>, upTo end: Int) -> Int {
        guard var p = bytes.baseAddress.map(UnsafeRawPointer.init) else { return 1 }
        let stop = p + min(end, bytes.count)
        var line = 1
        while p < stop, let newline = memchr(p, 0x0A, stop - p) {
            line += 1
            p = UnsafeRawPointer(newline) + 1
        }
        return line
    }

    /// A collection being read.
    private struct Frame {
        var isMapping: Bool
        var mark: YAMLMark
        /// A sequence's items, or a mapping's keys and values, alternating.
        var items: [YAMLNode] = []
        /// A mapping's keys so far (by text) and the line of each.
        var keys: [String: Int] = [:]
    }

    private struct EventReader {
        let file: String
        let limits: Limits
        var stack: [Frame] = []
        var root: YAMLNode?
        var nodes = 0
        var documents = 0

        init(file: String, limits: Limits) {
            self.file = file
            self.limits = limits
        }

        func location(_ mark: yaml_mark_t) -> SourceLocation {
            SourceLocation(file: file, line: Int(mark.line) + 1, column: Int(mark.column) + 1)
        }

        mutating func read(_ bytes: UnsafeBufferPointer<UInt8>) throws(RealmFileError) -> YAMLNode {
            let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
            defer { parser.deallocate() }
            guard yaml_parser_initialize(parser) == 1 else {
                throw .malformed(SourceLocation(file: file), "out of memory")
            }
            defer { yaml_parser_delete(parser) }
            yaml_parser_set_input_string(parser, bytes.baseAddress, bytes.count)
            yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)

            var event = yaml_event_t()
            while true {
                guard yaml_parser_parse(parser, &event) == 1 else { throw parseError(parser.pointee, bytes) }
                defer { yaml_event_delete(&event) }
                if event.type == YAML_STREAM_END_EVENT { break }
                try handle(event)
            }
            guard let root else { throw .malformed(SourceLocation(file: file, line: 1), "the file is empty") }
            return root
        }

        mutating func handle(_ event: yaml_event_t) throws(RealmFileError) {
            let at = location(event.start_mark)
            let mark = YAMLMark(line: at.line!, column: at.column!)
            switch event.type {
            case YAML_DOCUMENT_START_EVENT:
                documents += 1
                if documents > 1 {
                    throw .refused(at, "a second YAML document; a realm file holds one", hint: "remove the '---' and what follows it, or move it to its own file")
                }
                if let v = event.data.document_start.version_directive, v.pointee.major != 1 || v.pointee.minor != 2 {
                    throw .refused(at, "%YAML \(v.pointee.major).\(v.pointee.minor): realm files are read as YAML 1.2", hint: "remove the %YAML line")
                }
            case YAML_ALIAS_EVENT:
                throw .refused(at, "an alias (*\(text(event.data.alias.anchor))): realm files may not use anchors and aliases", hint: "write the value out in full")
            case YAML_SCALAR_EVENT:
                let s = event.data.scalar
                try noAnchor(s.anchor, at)
                try count(at)
                let text = String(decoding: UnsafeBufferPointer(start: s.value, count: s.length), as: UTF8.self)
                let style: YAMLScalar.Style = switch s.style {
                case YAML_SINGLE_QUOTED_SCALAR_STYLE: .singleQuoted
                case YAML_DOUBLE_QUOTED_SCALAR_STYLE: .doubleQuoted
                case YAML_LITERAL_SCALAR_STYLE: .literal
                case YAML_FOLDED_SCALAR_STYLE: .folded
                default: .plain
                }
                let tag = s.tag.map { self.text($0) }
                let value = try resolve(text, style: style, tag: tag, at)
                try add(.scalar(YAMLScalar(text: text, style: style, tag: tag, value: value, mark: mark)), at)
            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                let isMapping = event.type == YAML_MAPPING_START_EVENT
                let (anchor, tag) = isMapping ? (event.data.mapping_start.anchor, event.data.mapping_start.tag)
                                              : (event.data.sequence_start.anchor, event.data.sequence_start.tag)
                try noAnchor(anchor, at)
                if let tag = tag.map({ self.text($0) }), tag != "!", tag != "tag:yaml.org,2002:" + (isMapping ? "map" : "seq") {
                    throw .refused(at, "the tag \(Self.short(tag)): realm files use no tags", hint: "remove the tag")
                }
                try count(at)
                stack.append(Frame(isMapping: isMapping, mark: mark))
                if stack.count > limits.depth {
                    throw .refused(at, "nested more than \(limits.depth) levels deep, the limit for a realm file", hint: nil)
                }
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                let frame = stack.removeLast()
                if frame.isMapping {
                    var entries: [(key: YAMLNode, value: YAMLNode)] = []
                    entries.reserveCapacity(frame.items.count / 2)
                    var i = 0
                    while i + 1 < frame.items.count { entries.append((frame.items[i], frame.items[i + 1])); i += 2 }
                    try add(.mapping(entries, mark: frame.mark), at)
                } else {
                    try add(.sequence(frame.items, mark: frame.mark), at)
                }
            default:
                break // stream start, document end
            }
        }

        func noAnchor(_ anchor: UnsafeMutablePointer<yaml_char_t>?, _ at: SourceLocation) throws(RealmFileError) {
            guard let anchor else { return }
            throw .refused(at, "an anchor (&\(text(anchor))): realm files may not use anchors and aliases", hint: "write the value out in full")
        }

        mutating func count(_ at: SourceLocation) throws(RealmFileError) {
            nodes += 1
            if nodes > limits.nodes {
                throw .refused(at, "more than \(limits.nodes) values, the limit for a realm file", hint: nil)
            }
        }

        mutating func add(_ node: YAMLNode, _ at: SourceLocation) throws(RealmFileError) {
            guard !stack.isEmpty else { root = node; return }
            let top = stack.count - 1
            if stack[top].isMapping && stack[top].items.count % 2 == 0, case .scalar(let key) = node {
                if let first = stack[top].keys[key.text] {
                    throw .refused(at, "the key '\(key.text)' again (first at line \(first)); keys must be unique", hint: nil)
                }
                stack[top].keys[key.text] = at.line
            }
            stack[top].items.append(node)
        }

        /// What a scalar means: its tag if it has one, else its style and, when
        /// plain, YAML 1.2's core schema, refusing what YAML 1.1 reads differently.
        func resolve(_ text: String, style: YAMLScalar.Style, tag: String?, _ at: SourceLocation) throws(RealmFileError) -> YAMLValue {
            guard let tag else {
                guard style == .plain else { return .string }
                let value = YAMLScalars.core(text)
                if let a = YAMLScalars.ambiguity(text, core: value) { throw .refused(at, a.message, hint: a.hint) }
                return value
            }
            let value = YAMLScalars.core(text)
            func wrong(_ expected: String) -> RealmFileError {
                .refused(at, "'\(text)' is tagged \(Self.short(tag)) but is not \(expected) (YAML 1.2)", hint: "remove the tag")
            }
            switch tag {
            case "!", "tag:yaml.org,2002:str": return .string
            case "tag:yaml.org,2002:null":
                guard value == .null else { throw wrong("null") }
                return .null
            case "tag:yaml.org,2002:bool":
                guard case .bool = value else { throw wrong("true or false") }
                return value
            case "tag:yaml.org,2002:int":
                guard case .int = value else { throw wrong("an integer") }
                return value
            case "tag:yaml.org,2002:float":
                switch value {
                case .int(let i): return .float(Double(i))
                case .float: return value
                default: throw wrong("a number")
                }
            default:
                throw .refused(at, "the tag \(Self.short(tag)): realm files use no tags but the core schema's (!!str, !!int, !!float, !!bool, !!null)", hint: "remove the tag")
            }
        }

        static func short(_ tag: String) -> String {
            tag.hasPrefix("tag:yaml.org,2002:") ? "!!" + tag.dropFirst("tag:yaml.org,2002:".count) : tag
        }

        func text(_ p: UnsafeMutablePointer<yaml_char_t>) -> String {
            String(cString: UnsafeRawPointer(p).assumingMemoryBound(to: CChar.self))
        }

        /// libyaml's own words, with the place it names.
        func parseError(_ p: yaml_parser_t, _ bytes: UnsafeBufferPointer<UInt8>) -> RealmFileError {
            let problem = p.problem.map { String(cString: $0) } ?? "unreadable YAML"
            if p.error == YAML_READER_ERROR {
                // The reader reports a byte offset, not a mark.
                let offset = min(p.problem_offset, bytes.count)
                var line = 1, column = 1
                for b in bytes[..<offset] { if b == 0x0A { line += 1; column = 1 } else if b & 0xC0 != 0x80 { column += 1 } }
                return .malformed(SourceLocation(file: file, line: line, column: column), problem)
            }
            if p.error == YAML_MEMORY_ERROR { return .malformed(SourceLocation(file: file), "out of memory") }
            var message = problem
            if let context = p.context {
                message += " (\(String(cString: context)) at line \(p.context_mark.line + 1))"
            }
            return .malformed(location(p.problem_mark), message)
        }
    }
}

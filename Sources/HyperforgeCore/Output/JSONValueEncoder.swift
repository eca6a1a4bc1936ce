import FoundationEssentials

/// Encodable values as JSONValue documents in the one `--json` style: keys in
/// snake_case, dates as RFC 3339 UTC strings, and an absent optional as
/// `null` rather than a missing key (JSONEncoder drops it: synthesized
/// Codable calls `encodeIfPresent`, which this encoder's containers answer
/// with null, so every document has the same keys every time, as the man
/// pages promise). Written here because Foundation's JSONEncoder has no
/// option for that.
public enum JSONValueEncoding {
    public static func encode<T: Encodable>(_ value: T) throws -> JSONValue {
        let node = Node()
        try node.encode(value)
        return node.value
    }

    /// `wantedURL` → `wanted_url`, `hitRate` → `hit_rate` (as JSONEncoder's convertToSnakeCase).
    public static func snakeCase(_ key: String) -> String {
        let chars = Array(key)
        var out = ""
        for (i, c) in chars.enumerated() {
            if c.isUppercase, i > 0 {
                let previous = chars[i - 1]
                let nextIsLower = i + 1 < chars.count && chars[i + 1].isLowercase
                if previous.isLowercase || previous.isNumber || (previous.isUppercase && nextIsLower) { out += "_" }
            }
            out += c.lowercased()
        }
        return out
    }

    final class Node {
        enum Kind { case single(JSONValue), object([String: Node]), array([Node]) }
        var kind: Kind = .single(.null)

        var value: JSONValue {
            switch kind {
            case .single(let v): return v
            case .object(let o): return .object(o.mapValues(\.value))
            case .array(let a): return .array(a.map(\.value))
            }
        }

        func encode<T: Encodable>(_ value: T) throws {
            if let date = value as? Date { kind = .single(.string(Timestamp.utc(date))); return }
            if let json = value as? JSONValue { kind = .single(json); return }
            try value.encode(to: NodeEncoder(node: self))
        }

        func child(_ key: String) -> Node {
            let n = Node()
            if case .object(var o) = kind { o[key] = n; kind = .object(o) } else { kind = .object([key: n]) }
            return n
        }

        func append() -> Node {
            let n = Node()
            if case .array(var a) = kind { a.append(n); kind = .array(a) } else { kind = .array([n]) }
            return n
        }
    }

    struct NodeEncoder: Encoder {
        let node: Node
        var codingPath: [any CodingKey] = []
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            if case .object = node.kind {} else { node.kind = .object([:]) }
            return KeyedEncodingContainer(Keyed<Key>(node: node))
        }

        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            if case .array = node.kind {} else { node.kind = .array([]) }
            return Unkeyed(node: node)
        }

        func singleValueContainer() -> any SingleValueEncodingContainer { Single(node: node) }
    }

    struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let node: Node
        var codingPath: [any CodingKey] = []

        func name(_ key: Key) -> String { JSONValueEncoding.snakeCase(key.stringValue) }
        mutating func encodeNil(forKey key: Key) throws { node.child(name(key)).kind = .single(.null) }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { try node.child(name(key)).encode(value) }
        mutating func encode(_ value: Bool, forKey key: Key) throws { node.child(name(key)).kind = .single(.bool(value)) }
        mutating func encode(_ value: String, forKey key: Key) throws { node.child(name(key)).kind = .single(.string(value)) }
        mutating func encode(_ value: Double, forKey key: Key) throws { node.child(name(key)).kind = .single(.number(value)) }
        mutating func encode(_ value: Int, forKey key: Key) throws { node.child(name(key)).kind = .single(.integer(Int64(value))) }
        mutating func encode(_ value: Int64, forKey key: Key) throws { node.child(name(key)).kind = .single(.integer(value)) }
        mutating func encode(_ value: Int8, forKey key: Key) throws { node.child(name(key)).kind = .single(.integer(Int64(clamping: value))) }
        mutating func encode(_ value: Int16, forKey key: Key) throws { node.child(name(key)).kind = .single(.integer(Int64(clamping: value))) }
        mutating func encode(_ value: Int32, forKey key: Key) throws { node.child(name(key)).kind = .single(.integer(Int64(clamping: value))) }
        mutating func encode(_ value: UInt, forKey key: Key) throws { node.child(name(key)).kind = .single(.integer(Int64(clamping: value))) }
        mutating func encode(_ value: UInt8, forKey key: Key) throws { node.child(name(key)).kind = .single(.integer(Int64(clamping: value))) }
        mutating func encode(_ value: UInt16, forKey key: Key) throws { node.child(name(key)).kind = .single(.integer(Int64(clamping: value))) }
        mutating func encode(_ value: UInt32, forKey key: Key) throws { node.child(name(key)).kind = .single(.integer(Int64(clamping: value))) }
        mutating func encode(_ value: UInt64, forKey key: Key) throws { node.child(name(key)).kind = .single(.integer(Int64(clamping: value))) }
        mutating func encode(_ value: Float, forKey key: Key) throws { node.child(name(key)).kind = .single(.number(Double(value))) }

        // Absent optionals are null, not missing (see JSONValueEncoding).
        mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws {
            if let value { try encode(value, forKey: key) } else { try encodeNil(forKey: key) }
        }
        mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws { try encodeIfPresent(value.map { $0 as Bool }, key) }
        mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws { try encodeIfPresent(value.map { $0 as String }, key) }
        mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws { try encodeIfPresent(value.map { $0 as Double }, key) }
        mutating func encodeIfPresent(_ value: Float?, forKey key: Key) throws { try encodeIfPresent(value.map { Double($0) }, key) }
        mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws { try encodeIfPresent(value.map { Int64($0) }, key) }
        mutating func encodeIfPresent(_ value: Int8?, forKey key: Key) throws { try encodeIfPresent(value.map { Int64($0) }, key) }
        mutating func encodeIfPresent(_ value: Int16?, forKey key: Key) throws { try encodeIfPresent(value.map { Int64($0) }, key) }
        mutating func encodeIfPresent(_ value: Int32?, forKey key: Key) throws { try encodeIfPresent(value.map { Int64($0) }, key) }
        mutating func encodeIfPresent(_ value: Int64?, forKey key: Key) throws { try encodeIfPresent(value.map { $0 as Int64 }, key) }
        mutating func encodeIfPresent(_ value: UInt?, forKey key: Key) throws { try encodeIfPresent(value.map { Int64(clamping: $0) }, key) }
        mutating func encodeIfPresent(_ value: UInt8?, forKey key: Key) throws { try encodeIfPresent(value.map { Int64($0) }, key) }
        mutating func encodeIfPresent(_ value: UInt16?, forKey key: Key) throws { try encodeIfPresent(value.map { Int64($0) }, key) }
        mutating func encodeIfPresent(_ value: UInt32?, forKey key: Key) throws { try encodeIfPresent(value.map { Int64($0) }, key) }
        mutating func encodeIfPresent(_ value: UInt64?, forKey key: Key) throws { try encodeIfPresent(value.map { Int64(clamping: $0) }, key) }

        private mutating func encodeIfPresent<T: Encodable>(_ value: T?, _ key: Key) throws {
            if let value { try encode(value, forKey: key) } else { try encodeNil(forKey: key) }
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            let child = node.child(name(key))
            child.kind = .object([:])
            return KeyedEncodingContainer(Keyed<NestedKey>(node: child))
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            let child = node.child(name(key))
            child.kind = .array([])
            return Unkeyed(node: child)
        }

        mutating func superEncoder() -> any Encoder { NodeEncoder(node: node.child("super")) }
        mutating func superEncoder(forKey key: Key) -> any Encoder { NodeEncoder(node: node.child(name(key))) }
    }

    struct Unkeyed: UnkeyedEncodingContainer {
        let node: Node
        var codingPath: [any CodingKey] = []
        var count: Int { if case .array(let a) = node.kind { return a.count }; return 0 }

        mutating func encodeNil() throws { node.append().kind = .single(.null) }
        mutating func encode<T: Encodable>(_ value: T) throws { try node.append().encode(value) }
        mutating func encode(_ value: Bool) throws { node.append().kind = .single(.bool(value)) }
        mutating func encode(_ value: String) throws { node.append().kind = .single(.string(value)) }
        mutating func encode(_ value: Double) throws { node.append().kind = .single(.number(value)) }
        mutating func encode(_ value: Int) throws { node.append().kind = .single(.integer(Int64(value))) }
        mutating func encode(_ value: Int64) throws { node.append().kind = .single(.integer(value)) }
        mutating func encode(_ value: Int8) throws { node.append().kind = .single(.integer(Int64(clamping: value))) }
        mutating func encode(_ value: Int16) throws { node.append().kind = .single(.integer(Int64(clamping: value))) }
        mutating func encode(_ value: Int32) throws { node.append().kind = .single(.integer(Int64(clamping: value))) }
        mutating func encode(_ value: UInt) throws { node.append().kind = .single(.integer(Int64(clamping: value))) }
        mutating func encode(_ value: UInt8) throws { node.append().kind = .single(.integer(Int64(clamping: value))) }
        mutating func encode(_ value: UInt16) throws { node.append().kind = .single(.integer(Int64(clamping: value))) }
        mutating func encode(_ value: UInt32) throws { node.append().kind = .single(.integer(Int64(clamping: value))) }
        mutating func encode(_ value: UInt64) throws { node.append().kind = .single(.integer(Int64(clamping: value))) }
        mutating func encode(_ value: Float) throws { node.append().kind = .single(.number(Double(value))) }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            let child = node.append()
            child.kind = .object([:])
            return KeyedEncodingContainer(Keyed<NestedKey>(node: child))
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            let child = node.append()
            child.kind = .array([])
            return Unkeyed(node: child)
        }

        mutating func superEncoder() -> any Encoder { NodeEncoder(node: node.append()) }
    }

    struct Single: SingleValueEncodingContainer {
        let node: Node
        var codingPath: [any CodingKey] = []

        mutating func encodeNil() throws { node.kind = .single(.null) }
        mutating func encode<T: Encodable>(_ value: T) throws { try node.encode(value) }
        mutating func encode(_ value: Bool) throws { node.kind = .single(.bool(value)) }
        mutating func encode(_ value: String) throws { node.kind = .single(.string(value)) }
        mutating func encode(_ value: Double) throws { node.kind = .single(.number(value)) }
        mutating func encode(_ value: Float) throws { node.kind = .single(.number(Double(value))) }
        mutating func encode(_ value: Int) throws { node.kind = .single(.integer(Int64(value))) }
        mutating func encode(_ value: Int32) throws { node.kind = .single(.integer(Int64(value))) }
        mutating func encode(_ value: Int64) throws { node.kind = .single(.integer(value)) }
        mutating func encode(_ value: UInt32) throws { node.kind = .single(.integer(Int64(value))) }
        mutating func encode(_ value: Int8) throws { node.kind = .single(.integer(Int64(clamping: value))) }
        mutating func encode(_ value: Int16) throws { node.kind = .single(.integer(Int64(clamping: value))) }
        mutating func encode(_ value: UInt) throws { node.kind = .single(.integer(Int64(clamping: value))) }
        mutating func encode(_ value: UInt8) throws { node.kind = .single(.integer(Int64(clamping: value))) }
        mutating func encode(_ value: UInt16) throws { node.kind = .single(.integer(Int64(clamping: value))) }
        mutating func encode(_ value: UInt64) throws { node.kind = .single(.integer(Int64(clamping: value))) }
    }
}

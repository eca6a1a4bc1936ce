/// The patterns of one `.hyperforge/ignore` file, in gitignore syntax
/// (https://git-scm.com/docs/gitignore): blank lines and `#` comments are
/// skipped, `!` re-includes, a trailing `/` matches directories only, a `/`
/// at the start or in the middle anchors the pattern to the file's
/// directory (otherwise it matches a name at any depth), `*` and `?` match
/// within one path component, `[a-z]` and `[!a-z]` are classes, `**`
/// matches across components (`**/x`, `x/**`, `a/**/b`), and `\` escapes
/// the next character. As in git, a directory that is ignored is not looked
/// into, so nothing below it can be re-included.
public struct IgnoreRules: Sendable {
    public struct Rule: Sendable, Equatable {
        public var pattern: [UInt8]
        public var negated: Bool
        public var directoryOnly: Bool
        public var anchored: Bool
        public var line: Int
        public var text: String
    }

    /// The directory the patterns are relative to (where `.hyperforge` is).
    public let base: String
    /// The file the patterns came from.
    public let file: String
    public let rules: [Rule]

    public init(base: String, file: String, text: String) {
        self.base = base
        self.file = file
        var rules: [Rule] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = Array(raw.utf8)
            if line.last == UInt8(ascii: "\r") { line.removeLast() }
            // Trailing spaces are dropped unless escaped with a backslash.
            while line.last == UInt8(ascii: " "), !(line.count >= 2 && line[line.count - 2] == UInt8(ascii: "\\")) { line.removeLast() }
            guard !line.isEmpty, line.first != UInt8(ascii: "#") else { continue }
            var negated = false
            if line.first == UInt8(ascii: "!") { negated = true; line.removeFirst() }
            else if line.count >= 2, line[0] == UInt8(ascii: "\\"), line[1] == UInt8(ascii: "!") || line[1] == UInt8(ascii: "#") { line.removeFirst() }
            var directoryOnly = false
            if line.last == UInt8(ascii: "/") { directoryOnly = true; line.removeLast() }
            guard !line.isEmpty else { continue }
            let anchored = line.contains(UInt8(ascii: "/"))
            if line.first == UInt8(ascii: "/") { line.removeFirst() }
            guard !line.isEmpty else { continue }
            rules.append(Rule(pattern: line, negated: negated, directoryOnly: directoryOnly, anchored: anchored,
                              line: index + 1, text: String(decoding: raw.utf8, as: UTF8.self)))
        }
        self.rules = rules
    }

    /// The last rule matching `relative` (a path below `base`, `/`-separated),
    /// nil when none does. Its `negated` says whether it re-includes.
    public func match(_ relative: String, isDirectory: Bool) -> Rule? {
        let path = Array(relative.utf8)
        let name: ArraySlice<UInt8> = path.lastIndex(of: UInt8(ascii: "/")).map { path[($0 + 1)...] } ?? path[...]
        for rule in rules.reversed() {
            if rule.directoryOnly && !isDirectory { continue }
            let subject = rule.anchored ? path[...] : name
            if IgnoreRules.glob(rule.pattern[...], subject) { return rule }
        }
        return nil
    }

    /// gitignore's wildmatch with WM_PATHNAME: `*`, `?` and classes stop at `/`; `**` does not.
    static func glob(_ p: ArraySlice<UInt8>, _ s: ArraySlice<UInt8>) -> Bool {
        let slash = UInt8(ascii: "/"), star = UInt8(ascii: "*")
        var pi = p.startIndex, si = s.startIndex
        while pi < p.endIndex {
            let c = p[pi]
            if c == star {
                let doubled = pi + 1 < p.endIndex && p[pi + 1] == star
                if doubled {
                    // `**/` (at the start or after `/`): zero or more whole components.
                    var next = pi + 2
                    let atBoundary = pi == p.startIndex || p[pi - 1] == slash
                    if atBoundary, next < p.endIndex, p[next] == slash {
                        next += 1
                        var k = si
                        while true {
                            if glob(p[next...], s[k...]) { return true }
                            guard let n = s[k...].firstIndex(of: slash) else { return false }
                            k = n + 1
                        }
                    }
                    // `/**` at the end, or `**` anywhere else: anything, slashes included.
                    if next == p.endIndex { return atBoundary ? si < s.endIndex || pi == p.startIndex : true }
                    var k = si
                    while k <= s.endIndex {
                        if glob(p[next...], s[k...]) { return true }
                        k += 1
                    }
                    return false
                }
                let next = pi + 1
                var k = si
                while true {
                    if glob(p[next...], s[k...]) { return true }
                    guard k < s.endIndex, s[k] != slash else { return false }
                    k += 1
                }
            }
            guard si < s.endIndex else { return false }
            switch c {
            case UInt8(ascii: "?"):
                guard s[si] != slash else { return false }
                pi += 1; si += 1
            case UInt8(ascii: "["):
                guard s[si] != slash, let (matched, end) = matchClass(p, pi, s[si]) else {
                    // An unterminated `[` is a literal.
                    if s[si] != c { return false }
                    pi += 1; si += 1
                    continue
                }
                guard matched else { return false }
                pi = end; si += 1
            case UInt8(ascii: "\\") where pi + 1 < p.endIndex:
                guard s[si] == p[pi + 1] else { return false }
                pi += 2; si += 1
            default:
                guard s[si] == c else { return false }
                pi += 1; si += 1
            }
        }
        return si == s.endIndex
    }

    /// Whether `byte` is in the class starting at `p[start]` (`[`), and the index after its `]`.
    static func matchClass(_ p: ArraySlice<UInt8>, _ start: Int, _ byte: UInt8) -> (Bool, Int)? {
        var i = start + 1
        var negate = false
        if i < p.endIndex, p[i] == UInt8(ascii: "!") || p[i] == UInt8(ascii: "^") { negate = true; i += 1 }
        var matched = false
        var first = true
        while i < p.endIndex {
            var c = p[i]
            if c == UInt8(ascii: "]") && !first { return (matched != negate, i + 1) }
            first = false
            if c == UInt8(ascii: "\\"), i + 1 < p.endIndex { i += 1; c = p[i] }
            if i + 2 < p.endIndex, p[i + 1] == UInt8(ascii: "-"), p[i + 2] != UInt8(ascii: "]") {
                var hi = p[i + 2]
                var skip = 3
                if hi == UInt8(ascii: "\\"), i + 3 < p.endIndex { hi = p[i + 3]; skip = 4 }
                if c <= byte && byte <= hi { matched = true }
                i += skip
                continue
            }
            if c == byte { matched = true }
            i += 1
        }
        return nil
    }
}

import HyperforgeCore

/// The Python kind's side of `workspace publish`: the PEP 508 strings of
/// `[project] dependencies`, and their rewriting.
extension PythonPackage {
    func requirements() throws -> [PackageRequirement] {
        let spans = try CargoPackage.read(manifest)
        guard let entry = spans.entries.first(where: { $0.table == ["project"] && $0.key == ["dependencies"] }) else { return [] }
        var result: [PackageRequirement] = []
        for (content, line) in TOMLSpans.arrayStrings(spans.bytes, in: entry.value, firstLine: entry.line) {
            let bytes = spans.bytes
            // NAME [extras] (specifier | @ url) [; marker]
            var i = content.lowerBound
            func isNameByte(_ b: UInt8) -> Bool { (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2D || b == 0x2E || b == 0x5F }
            while i < content.upperBound, bytes[i] == 0x20 { i += 1 }
            let nameStart = i
            while i < content.upperBound, isNameByte(bytes[i]) { i += 1 }
            guard i > nameStart else { continue }
            let name = String(decoding: bytes[nameStart..<i], as: UTF8.self)
            while i < content.upperBound, bytes[i] == 0x20 { i += 1 }
            if i < content.upperBound, bytes[i] == UInt8(ascii: "[") {
                while i < content.upperBound, bytes[i] != UInt8(ascii: "]") { i += 1 }
                if i < content.upperBound { i += 1 }
            }
            while i < content.upperBound, bytes[i] == 0x20 { i += 1 }
            var end = i
            while end < content.upperBound, bytes[end] != UInt8(ascii: ";") { end += 1 }
            while end > i, bytes[end - 1] == 0x20 { end -= 1 }
            let spec = String(decoding: bytes[i..<end], as: UTF8.self)
            // A direct reference (`name @ url`) has no version to rewrite.
            let span: Range<Int>? = spec.isEmpty || spec.hasPrefix("@") ? nil : i..<end
            result.append(PackageRequirement(package: name, file: manifest, line: line, span: span, text: span == nil ? "" : spec))
        }
        return result
    }

    /// One clause `==X`, `>=X`, `~=X` or `===X` keeps its operator (and the
    /// spaces written after it) and its number of components, which take the
    /// new version's (`>=0.1.0` -> `>=0.2.0`, `~=0.1` -> `~=0.2`), as cargo-release
    /// does for Cargo; a wildcard, `<`, `<=`, `>`, `!=` or several clauses are
    /// refused (publish would have to guess the range's other end).
    func rewrittenRequirement(_ requirement: PackageRequirement, to version: ReleaseVersion) throws -> String? {
        let text = requirement.text
        func refuse(_ reason: String) -> WorkspacePublishError {
            .unsupportedRequirement(location: "\(requirement.file):\(requirement.line)", package: requirement.package, requirement: text, reason: reason)
        }
        guard !text.contains(",") else { throw refuse("it has several clauses; write one: \"\(requirement.package)>=\(version)\" or \"\(requirement.package)==\(version)\"") }
        var op = ""
        for candidate in ["===", "==", ">=", "~=", "<=", "!=", "<", ">"] where text.hasPrefix(candidate) { op = candidate; break }
        guard ["===", "==", ">=", "~="].contains(op) else { throw refuse("'\(op.isEmpty ? text : op)' is not a clause publish rewrites (==, >=, ~=)") }
        let afterOp = text.dropFirst(op.count)
        let spaces = afterOp.prefix { $0 == " " }
        let old = afterOp.dropFirst(spaces.count)
        let parts = old.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...3).contains(parts.count), parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }), op != "~=" || parts.count >= 2 else {
            throw refuse("'\(old)' is not an X, X.Y or X.Y.Z release version")
        }
        let numbers = [version.major, version.minor, version.patch]
        let new = op + spaces + parts.indices.map { String(numbers[$0]) }.joined(separator: ".")
        return new == text ? nil : new
    }
}

extension TOMLSpans {
    /// The single-line strings of the array whose bytes are `range` (comments
    /// skipped), each with its content's span and its line.
    static func arrayStrings(_ bytes: [UInt8], in range: Range<Int>, firstLine: Int) -> [(Range<Int>, Int)] {
        var result: [(Range<Int>, Int)] = []
        var i = range.lowerBound, line = firstLine
        while i < range.upperBound {
            let c = bytes[i]
            if c == 0x0A { line += 1; i += 1; continue }
            if c == UInt8(ascii: "#") { while i < range.upperBound, bytes[i] != 0x0A { i += 1 }; continue }
            if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
                let start = i + 1
                var j = start
                while j < range.upperBound, bytes[j] != c, bytes[j] != 0x0A {
                    if c == UInt8(ascii: "\""), bytes[j] == UInt8(ascii: "\\") { j += 1 }
                    j += 1
                }
                if j < range.upperBound, bytes[j] == c { result.append((start..<j, line)) }
                i = j + 1
                continue
            }
            i += 1
        }
        return result
    }
}

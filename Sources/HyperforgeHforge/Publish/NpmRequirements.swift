import HyperforgeCore

/// The npm kind's side of `workspace publish`: package.json's
/// `dependencies`, `devDependencies`, `peerDependencies` and
/// `optionalDependencies` on other packages, and their rewriting, byte for
/// byte in the requirement's string (JSONSpans). package-lock.json's
/// resolved entries are npm install's to update, not publish's.
extension NpmPackage {
    static let dependencySections = ["dependencies", "devDependencies", "peerDependencies", "optionalDependencies"]

    func requirements() throws -> [PackageRequirement] {
        let spans = try NpmPackage.read(manifest)
        var result: [PackageRequirement] = []
        for section in NpmPackage.dependencySections {
            for value in spans.values where value.path.count == 2 && value.path[0] == section {
                let name = value.path[1]
                guard let content = value.stringContent, !spans.bytes[content].contains(0x5C) else {
                    result.append(PackageRequirement(package: name, file: manifest, line: value.line, span: nil, text: ""))
                    continue
                }
                let text = spans.text(content)
                // An alias, "npm:REAL@RANGE": a requirement on REAL (whatever
                // the key says), its range rewritten in place.
                if text.hasPrefix("npm:") {
                    let target = text.dropFirst(4)
                    let at = target.dropFirst().firstIndex(of: "@") // a scoped name starts with '@'
                    let real = String(at.map { target[..<$0] } ?? target)
                    if let at {
                        let range = target[target.index(after: at)...]
                        let start = content.lowerBound + text.utf8.distance(from: text.utf8.startIndex, to: range.startIndex.samePosition(in: text.utf8)!)
                        result.append(PackageRequirement(package: real, file: manifest, line: value.line, span: start..<content.upperBound, text: String(range)))
                    } else {
                        result.append(PackageRequirement(package: real, file: manifest, line: value.line, span: nil, text: ""))
                    }
                    continue
                }
                // Not a registry version range: a path, a link, a workspace:
                // protocol, a git or tarball URL, an alias, a dist-tag.
                let local = ["file:", "link:", "workspace:", "git", "http:", "https:", "npm:", "github:"].contains { text.hasPrefix($0) }
                    || text.contains("/") || (text.first.map { $0.isLetter } ?? true) && text != "x" && text != "X"
                result.append(PackageRequirement(package: name, file: manifest, line: value.line, span: local ? nil : content, text: local ? "" : text))
            }
        }
        return result
    }

    /// As npm version ranges are written by `npm install --save`: one
    /// comparator keeps its operator (`^`, `~`, `=` or none) and its number
    /// of components, which take the new version's (`^1.2.3` -> `^1.3.0`,
    /// `~0.4` -> `~0.5`, `1.x` -> `2.x`); `*` and `x` are left alone; `>`,
    /// `>=`, `<`, `<=`, `||` and hyphen ranges are refused (publish would
    /// have to guess the range's other end).
    func rewrittenRequirement(_ requirement: PackageRequirement, to version: ReleaseVersion) throws -> String? {
        let text = requirement.text.trimmed()
        func refuse(_ reason: String) -> WorkspacePublishError {
            .unsupportedRequirement(location: "\(requirement.file):\(requirement.line)", package: requirement.package, requirement: requirement.text, reason: reason)
        }
        if text == "*" || text == "x" || text == "X" || text.isEmpty { return nil }
        if text.contains("||") || text.contains(" ") { throw refuse("it is a compound range; write one comparator: \"^\(version)\" or \"\(version)\"") }
        var op = ""
        var rest = Substring(text)
        for candidate in [">=", "<=", ">", "<", "=", "~", "^"] where rest.hasPrefix(candidate) {
            op = candidate
            rest = rest.dropFirst(candidate.count)
            break
        }
        guard ["", "=", "~", "^"].contains(op) else { throw refuse("'\(op)' is not rewritten (as npm version does not); write \"^\(version)\" or \"\(version)\"") }
        let core = rest.hasPrefix("v") ? rest.dropFirst() : rest
        let numbersPart = core.split(separator: "-", maxSplits: 1).first.map(String.init) ?? ""
        let parts = numbersPart.split(separator: ".", omittingEmptySubsequences: false)
        let wild: Set<Substring> = ["*", "x", "X"]
        guard (1...3).contains(parts.count), parts.allSatisfy({ wild.contains($0) || (!$0.isEmpty && $0.allSatisfy(\.isNumber)) }) else {
            throw refuse("'\(text)' is not a version range npm reads")
        }
        let numbers = [version.major, version.minor, version.patch]
        var written = parts.enumerated().map { wild.contains($0.element) ? String($0.element) : String(numbers[$0.offset]) }.joined(separator: ".")
        if parts.count == 3, !version.pre.isEmpty, !parts.contains(where: { wild.contains($0) }) { written += "-" + version.pre.joined(separator: ".") }
        let new = op + written
        return new == requirement.text ? nil : new
    }
}

/// The Swift kind's side of `workspace publish`: none. A Swift package's
/// requirements on others are Swift code in Package.swift
/// (`.package(url:from:)`), which publish neither reads nor rewrites; such a
/// package orders nothing and is never edited.
extension SwiftPackage {
    func requirements() throws -> [PackageRequirement] { [] }
    func rewrittenRequirement(_ requirement: PackageRequirement, to version: ReleaseVersion) throws -> String? { nil }
}

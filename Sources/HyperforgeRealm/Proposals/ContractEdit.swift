import HyperforgeCore

/// The working contract file with the version and evolution entry sync
/// worked out, edited in place: the top-level `version:` scalar is replaced
/// (its quotes and any comment kept) and new evolution entries are appended
/// to the end of a block-style top-level `evolution:` sequence (or a new one
/// at the end of the file), at the indentation its entries use. Everything
/// else keeps its bytes: flow style, key order, comments. The result is read
/// back and must be exactly the contract sync means; when no such edit is
/// found (a flow-style `evolution: [...]`, two `version:` lines, entries
/// removed) the caller writes the contract out in full instead.
enum ContractEdit {
    static func spliced(_ text: String, working: Contract, final: Contract, file: String) -> String? {
        // Only the version and the evolution entries may differ.
        var expected = working
        expected.version = final.version
        expected.evolution = final.evolution
        guard expected == final, final.evolution.count >= working.evolution.count,
              Array(final.evolution.prefix(working.evolution.count)) == working.evolution else { return nil }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if working.version != final.version {
            let at = lines.indices.filter { lines[$0].hasPrefix("version:") }
            guard at.count == 1 else { return nil }
            var rest = String(lines[at[0]].dropFirst("version:".count))
            guard let r = rest.firstRange(of: working.version.description) else { return nil }
            rest.replaceSubrange(r, with: final.version.description)
            lines[at[0]] = "version:" + rest
        }
        let added = final.evolution.dropFirst(working.evolution.count)
        if !added.isEmpty {
            let at = lines.indices.filter { lines[$0].hasPrefix("evolution:") }
            if at.isEmpty {
                // No evolution yet: a block at the end of the file.
                while lines.last == "" { lines.removeLast() }
                lines.append("evolution:")
                for e in added { lines += entry(e, indent: "  ") }
                lines.append("")
            } else {
                guard at.count == 1, lines[at[0]].trimmed() == "evolution:" else { return nil }
                // The block runs while lines are indented, sequence items at column 0, blank or comments.
                var last = at[0], i = at[0] + 1
                while i < lines.count {
                    let l = lines[i]
                    guard l.isEmpty || l.hasPrefix(" ") || l.hasPrefix("-") || l.hasPrefix("#") else { break }
                    let t = l.trimmed()
                    if !t.isEmpty && !t.hasPrefix("#") { last = i }
                    i += 1
                }
                let item = lines[(at[0] + 1)..<(last + 1)].first { $0.trimmed().hasPrefix("- ") }
                let indent = item.map { String($0.prefix { $0 == " " }) } ?? "  "
                lines.insert(contentsOf: added.flatMap { entry($0, indent: indent) }, at: last + 1)
            }
        }
        let out = lines.joined(separator: "\n")
        guard let again = try? Contract.parse(out, file: file), again == final else { return nil }
        return out
    }

    /// One evolution entry as the RFC writes them; each text a JSON string (a YAML double-quoted scalar).
    static func entry(_ e: Contract.Evolution, indent: String) -> [String] {
        ["\(indent)- version: \"\(e.version)\"",
         "\(indent)  changes: [" + e.changes.map { JSONOutput.render(.string($0)) }.joined(separator: ", ") + "]",
         "\(indent)  compatible: \(e.compatible)"]
    }
}

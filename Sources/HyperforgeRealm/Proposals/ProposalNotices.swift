import HyperforgeCore

extension RealmCoordination {
    /// A notification per changed contract of a new proposal (no version:
    /// the version's own notification comes when it merges), and which of
    /// the affected repositories have an active session to see it.
    func notifyProposal(_ p: Proposal) -> [String] {
        guard reachable() else { return [] }
        for c in p.changes {
            let head = "\(c.contract) \(c.from ?? "(new)") → \(c.to) proposed by \(p.author) (proposal \(p.id))"
            _ = try? client.json("POST", "/notifications", .object([
                "realm": .string(p.realm), "domain": .string(c.domain), "contract": .string(c.contract), "from_repo": .string(p.author),
                "change_type": .string(c.breaking ? "breaking" : "updated"),
                "changes": .array(([head] + c.pointers.prefix(20).map(ContractDiff.line)).map(JSONValue.string)),
            ]))
        }
        return activeRepos(realm: p.realm).intersection(p.affectedRepos).sorted()
    }

    /// Marks as acknowledged by `repo` its notifications about the proposals
    /// in `settled` (acknowledged by it, merged or superseded): the ones a
    /// proposal's sync or merge sent name it (`(proposal ID)`, `merged: proposal ID`). How many.
    @discardableResult
    func clearNotices(realm: String, repo: String, settled: Set<String>) -> Int {
        guard !settled.isEmpty, reachable(),
              let r = try? client.json("GET", "/notifications?realm=\(FilePaths.percentEncoded(realm))&repo=\(FilePaths.percentEncoded(repo))"),
              case .array(let list)? = r["notifications"] else { return 0 }
        var cleared = 0
        for n in list {
            guard case .integer(let id)? = n["id"], case .array(let changes)? = n["changes"] else { continue }
            let lines = changes.compactMap { c -> String? in if case .string(let s) = c { return s }; return nil }
            let about = settled.contains { p in lines.contains { $0.hasSuffix("(proposal \(p))") || $0 == "merged: proposal \(p)" } }
            guard about else { continue }
            if (try? client.json("POST", "/notifications/\(id)/ack", .object(["repo": .string(repo)]))) != nil { cleared += 1 }
        }
        return cleared
    }

    /// The repositories of `realm` with an active session now.
    func activeRepos(realm: String) -> Set<String> {
        guard reachable(), let r = try? client.json("GET", "/sessions?realm=\(FilePaths.percentEncoded(realm))"),
              case .array(let list)? = r["sessions"] else { return [] }
        return Set(list.compactMap { s in if case .string(let repo)? = s["repo"] { return repo }; return nil })
    }
}

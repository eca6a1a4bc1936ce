import HyperforgeCore
import HyperforgeGit

extension Realm {
    public struct LeaveOptions: Sendable {
        public var target = Target()
        public var force = false
        public var dryRun = false
        public init() {}
    }

    /// `git realm admin leave`: removes this repository from the realm
    /// (`repos/{repo}.yaml`, its bindings, its place in every domain) and its
    /// membership from git config. Contracts it owns go with it; when another
    /// repository still imports one, it refuses unless `--force`, which also
    /// removes those imports.
    public static func adminLeave(_ options: LeaveOptions, context: Context) async throws -> ExitStatus {
        let out = context.output.stdout
        let (repository, membership) = try openMember(options.target, context: context)
        let me = membership.repo

        let plan: (RealmState) throws -> PlannedChange? = { state in
            guard let snapshot = state.snapshot else { return nil }
            var files = state.files
            var importers: [String] = []
            var dropped: [(domain: String, contract: String)] = []
            for (domainName, domain) in snapshot.domains.sorted(by: { $0.key < $1.key }) {
                for (name, contract) in domain.contracts.sorted(by: { $0.key < $1.key }) where contract.owner == me {
                    dropped.append((domainName, name))
                    for (repo, binding) in domain.bindings.sorted(by: { $0.key < $1.key }) where repo != me {
                        for i in binding.imports where i.contract == name {
                            importers.append("\(repo) imports \(name) (\(i.requirement.text)) in domain \(domainName)")
                        }
                    }
                }
            }
            if !importers.isEmpty && !options.force { throw RealmError.stillImported(repo: me, imports: importers) }

            files["repos/\(me).yaml"] = nil
            for (domainName, domain) in snapshot.domains {
                let base = "domains/\(domainName)"
                guard domain.record.members.contains(me) || domain.bindings[me] != nil else { continue }
                files["\(base)/bindings/\(me).yaml"] = nil
                for (d, c) in dropped where d == domainName { files["\(base)/contracts/\(c).yaml"] = nil }
                let gone = Set(dropped.filter { $0.domain == domainName }.map(\.contract))
                for (repo, binding) in domain.bindings where repo != me && binding.imports.contains(where: { gone.contains($0.contract) }) {
                    var b = binding
                    b.imports.removeAll { gone.contains($0.contract) }
                    files["\(base)/bindings/\(repo).yaml"] = Array(b.yaml().utf8)
                }
                var record = domain.record
                record.members.removeAll { $0 == me }
                if record.members.isEmpty {
                    for path in files.keys where path.hasPrefix(base + "/") { files[path] = nil }
                } else {
                    files["\(base)/domain.yaml"] = Array(record.yaml().utf8)
                }
            }
            var message = "Remove \(me) from realm \(snapshot.manifest.name)"
            if !dropped.isEmpty { message += "\n\nContracts removed with it: " + dropped.map { "\($0.domain)/\($0.contract)" }.joined(separator: ", ") }
            if !importers.isEmpty { message += "\nImports removed (--force):\n" + importers.map { "  " + $0 }.joined(separator: "\n") }
            return PlannedChange(files: files, message: message)
        }

        let writer = RealmWriter(url: membership.url, branch: membership.branch,
                                 workspace: options.dryRun ? .scratch : .member(repository, membership),
                                 actingRepo: me, context: context)
        let outcome = try await writer.apply(dryRun: options.dryRun, plan)
        report(outcome, url: membership.url, branch: membership.branch, out: out)
        if options.dryRun {
            out.line("Would remove realm.* from \(repository.gitDirectory)/config and refs/realm/\(membership.realm)/*")
            out.line("dry run: nothing was changed")
            return .success
        }
        let lock = FetchLock.command(repository) // no background fetch puts `fetched` back meanwhile
        defer { lock.release() }
        for ref in try repository.references(under: "refs/realm/\(membership.realm)/") { try repository.deleteReference(ref) }
        FetchRecord.remove(repository, realm: membership.realm)
        try Membership.remove(from: repository)
        out.line("\(out.styled("✓", .green)) \(me) left realm \(membership.realm)")
        return .success
    }
}

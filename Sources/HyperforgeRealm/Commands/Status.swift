import FoundationEssentials
import HyperforgeCore
import HyperforgeGit

extension Realm {
    public struct StatusOptions: Sendable {
        public var target = Target()
        public var json = false
        /// Fetch the realm first (otherwise: what was last fetched).
        public var fetch = false
        public var noCache = false
        public init() {}
    }

    public struct StatusReport: Codable, Sendable, Equatable {
        public var realm: String
        public var url: String
        public var repo: String
        public var commit: String
        /// When the realm was last fetched here (RFC 3339, UTC; `FetchRecord`);
        /// null when no fetch was recorded (fetched by a version that did not record it).
        public var fetchedAt = NullableText(nil)
        public var registered: Bool
        public var domains: [DomainStatus]
        public var staleBindings: [StaleBinding]
        /// What changed in the realm since this repository last looked; nil when there is no earlier look.
        public var changes: Changes?
        /// From the coordinator; nil when it could not be reached.
        public var sessions: [Session]?
        public var notifications: [Notification]?
        public var approvals: [Approval]?
        /// Working contract files of this repository (`.hyperforge/contracts/DOMAIN/NAME.yaml`) that differ from the realm: what 'git realm sync' would propose.
        public var localChanges: [LocalChange] = []
        /// This repository's own open proposals (as last fetched).
        public var proposals: [OwnProposal] = []

        public struct LocalChange: Codable, Sendable, Equatable {
            public var domain: String
            public var contract: String
            public var file: String
            /// The version in the realm, and the one the working file says.
            public var realmVersion: String
            public var workingVersion: String?
            /// JSON pointers of what changed (`+ /value/read/4 "…"`), empty when the file does not read as a contract.
            public var changes: [String]
            /// The repositories importing it, with their ranges.
            public var affected: [String]
        }
        public struct OwnProposal: Codable, Sendable, Equatable {
            public var id: String
            public var title: String
            public var branch: String
            public var createdAt: String
            /// Affected repositories whose acknowledgement the realm's records hold, and the others
            /// (on a forge-hosted realm approvals are reviews: 'git realm proposals' asks the forge).
            public var acknowledged: [String]
            public var waitingFor: [String]
        }

        public struct Session: Codable, Sendable, Equatable {
            public var id: String
            public var repo: String
            /// As the coordinator's session records name them (git realm session list --json).
            public var activeRfc: String?
            public var clientId: String?
            public var pid: Int64?
        }
        public struct Notification: Codable, Sendable, Equatable {
            public var id: Int64
            public var domain: String
            public var contract: String
            public var fromRepo: String
            public var changeType: String
            public var version: String?
            public var changes: [String]
            public var createdAt: String
        }
        public struct Approval: Codable, Sendable, Equatable {
            public var id: Int64
            public var scope: String
            public var requester: String
        }

        public struct DomainStatus: Codable, Sendable, Equatable {
            public var name: String
            public var role: String
            public var members: [Member]
            public var contracts: [ContractStatus]
            public var imports: [ImportStatus]
        }
        public struct Member: Codable, Sendable, Equatable { public var name: String; public var registered: Bool }
        public struct ContractStatus: Codable, Sendable, Equatable {
            public var name: String
            public var version: String
            public var owner: String
        }
        public struct ImportStatus: Codable, Sendable, Equatable {
            public var contract: String
            public var requirement: String
            public var version: String?
            public var satisfied: Bool
            public var resolvedVersion: String?
            public var stale: Bool
        }
        public struct StaleBinding: Codable, Sendable, Equatable {
            public var domain: String
            public var repo: String
            public var contract: String
            public var resolvedVersion: String?
            public var currentVersion: String
            public var satisfied: Bool
        }
        public struct Changes: Codable, Sendable, Equatable {
            public var from: String
            public var to: String
            public var contracts: [ContractChange]
            public var newMembers: [String]
            public var removedMembers: [String]
            public var newDomains: [String]
            public var removedDomains: [String]
        }
        public struct ContractChange: Codable, Sendable, Equatable {
            public var domain: String
            public var contract: String
            public var from: String?
            public var to: String?
        }
    }

    /// `git realm status`: the realm as last fetched, from this repository's
    /// point of view, and what changed since it last looked (which this run
    /// then marks as seen).
    public static func status(_ options: StatusOptions, context: Context) async throws -> ExitStatus {
        let out = context.output.stdout
        let (report, fetchedAt) = try await statusReport(options, markSeen: true, context: context)
        if options.json {
            out.line(try JSONOutput.encode(report))
        } else {
            printStatus(report, fetchedAt: fetchedAt, now: context.now(), out: out)
        }
        return .success
    }

    /// What `git realm status` reports (with `fetched_at` filled in), and when
    /// the realm was last fetched. `markSeen`: move this repository's "last
    /// seen" point (refs/realm/REALM/seen) to the reported commit, as the
    /// command does; `git realm mcp` reads without moving it. `pointOfView`:
    /// the report for another member of the realm, from this repository's
    /// fetched realm (its `changes` are null: when that member last looked is
    /// not known here).
    public static func statusReport(_ options: StatusOptions, pointOfView: String? = nil, markSeen: Bool,
                                    context: Context) async throws -> (StatusReport, fetchedAt: Date?) {
        let (repository, own) = try openMember(options.target, context: context)
        if options.fetch { try await fetchOrKeepLastGood(repository, own, context: context) }
        guard let tip = try repository.resolve(own.fetchedRef) else {
            throw RealmError.neverFetched(realm: own.realm)
        }
        let seen = try repository.resolve(own.seenRef)
        var keep: Set<String> = [tip]
        if let seen { keep.insert(seen) }
        let index = try RealmIndex.load(commit: tip, repo: repository, useCache: !options.noCache, keep: keep)
        var membership = own
        if let other = pointOfView, other != own.repo {
            guard index.repos[other] != nil || index.domains.values.contains(where: { $0.members.contains(other) || $0.bindings[other] != nil }) else {
                throw QueryError.notAMemberOfRealm(repo: other, realm: index.name, members: index.repos.keys.sorted())
            }
            membership.repo = other
        }
        var previous: RealmIndex?
        if membership.repo == own.repo, let seen, seen != tip {
            previous = try? RealmIndex.load(commit: seen, repo: repository, useCache: !options.noCache, keep: keep)
        }
        var report = statusReport(index, previous: previous, seen: membership.repo == own.repo ? seen : nil, membership: membership)
        let fetchedAt = FetchRecord.read(commonDirectory: repository.commonDirectory, realm: own.realm)
        if markSeen, seen != tip { try repository.setReference(own.seenRef, to: tip, message: "git realm status: seen") }
        if membership.repo == own.repo {
            report.localChanges = localChanges(repository, tip: tip, index: index, me: own.repo)
            report.proposals = ownProposals(repository, realm: own.realm, me: own.repo, warn: context.output.warning)
        }
        coordinatorPart(&report, membership: membership, context: context)
        report.fetchedAt = NullableText(fetchedAt.map { Timestamp.utc($0) })
        return (report, fetchedAt)
    }

    /// The contracts owned here whose working file differs from the realm's.
    static func localChanges(_ repository: Repository, tip: String, index: RealmIndex, me: String) -> [StatusReport.LocalChange] {
        guard let root = repository.workingDirectory else { return [] }
        var out: [StatusReport.LocalChange] = []
        for (d, domain) in index.domains.sorted(by: { $0.key < $1.key }) where domain.members.contains(me) {
            for (name, c) in domain.contracts.sorted(by: { $0.key < $1.key }) where c.owner == me {
                let file = workingContractPath(domain: d, name: name)
                guard let working = try? FileRead.bytes(root + "/" + file, limit: YAMLReader.Limits.realm.bytes),
                      let inRealm = try? repository.file(atCommit: tip, path: "domains/\(d)/contracts/\(name).yaml"), working != inRealm else { continue }
                let parsed = String(validating: working, as: UTF8.self).flatMap { try? Contract.parse($0, file: file) }
                let released = String(validating: inRealm, as: UTF8.self).flatMap { try? Contract.parse($0, file: file) }
                let pointers = (parsed.flatMap { p in released.map { ContractDiff.changes(from: $0, to: p) } } ?? []).prefix(20).map(ContractDiff.line)
                let affected = domain.bindings.sorted(by: { $0.key < $1.key }).flatMap { repo, b in
                    b.imports.filter { $0.contract == name && repo != me }.map { "\(repo) (imports \($0.requirement))" }
                }
                out.append(.init(domain: d, contract: name, file: file, realmVersion: c.version, workingVersion: parsed?.version.description,
                                 changes: Array(pointers), affected: affected))
            }
        }
        return out
    }

    /// This repository's open proposals, as last fetched.
    static func ownProposals(_ repository: Repository, realm: String, me: String, warn: (String) -> Void) -> [StatusReport.OwnProposal] {
        let loaded = (try? ProposalCodec.load(repository, prefix: ProposalRefs.localPrefix(realm: realm), warn: warn)) ?? []
        return loaded.filter { $0.proposal.author == me && $0.proposal.state == .open }
            .sorted { ($0.proposal.createdAt, $0.proposal.id) < ($1.proposal.createdAt, $1.proposal.id) }
            .map { p in
                let affected = p.proposal.affectedRepos
                return .init(id: p.proposal.id, title: p.proposal.title, branch: p.proposal.branch, createdAt: p.proposal.createdAt,
                             acknowledged: affected.filter { p.acks[$0] != nil }, waitingFor: affected.filter { p.acks[$0] == nil })
            }
    }

    static func statusReport(_ index: RealmIndex, previous: RealmIndex?, seen: String?, membership: Membership) -> StatusReport {
        let me = membership.repo
        var domains: [StatusReport.DomainStatus] = []
        var stale: [StatusReport.StaleBinding] = []
        for (name, domain) in index.domains.sorted(by: { $0.key < $1.key }) where domain.members.contains(me) || domain.bindings[me] != nil {
            let binding = domain.bindings[me]
            let role = binding?.role ?? "member"
            let members = domain.members.map { StatusReport.Member(name: $0, registered: index.repos[$0] != nil) }
            let contracts = domain.contracts.sorted(by: { $0.key < $1.key }).map {
                StatusReport.ContractStatus(name: $0.key, version: $0.value.version, owner: $0.value.owner)
            }
            let imports = (binding?.imports ?? []).map { i in
                let current = domain.contracts[i.contract]?.version
                return StatusReport.ImportStatus(contract: i.contract, requirement: i.requirement, version: current,
                                                 satisfied: satisfies(current, i.requirement),
                                                 resolvedVersion: i.resolved, stale: current != nil && i.resolved != current)
            }
            domains.append(.init(name: name, role: role, members: members, contracts: contracts, imports: imports))
            for (repo, b) in domain.bindings.sorted(by: { $0.key < $1.key }) {
                for i in b.imports {
                    guard let current = domain.contracts[i.contract]?.version, i.resolved != current else { continue }
                    stale.append(.init(domain: name, repo: repo, contract: i.contract, resolvedVersion: i.resolved,
                                       currentVersion: current, satisfied: satisfies(current, i.requirement)))
                }
            }
        }
        var changes: StatusReport.Changes?
        if let previous, let seen {
            var contractChanges: [StatusReport.ContractChange] = []
            for name in Set(index.domains.keys).union(previous.domains.keys).sorted() {
                let new = index.domains[name]?.contracts ?? [:], old = previous.domains[name]?.contracts ?? [:]
                for c in Set(new.keys).union(old.keys).sorted() where new[c]?.version != old[c]?.version {
                    contractChanges.append(.init(domain: name, contract: c, from: old[c]?.version, to: new[c]?.version))
                }
            }
            changes = .init(from: seen, to: index.commit, contracts: contractChanges,
                            newMembers: Set(index.repos.keys).subtracting(previous.repos.keys).sorted(),
                            removedMembers: Set(previous.repos.keys).subtracting(index.repos.keys).sorted(),
                            newDomains: Set(index.domains.keys).subtracting(previous.domains.keys).sorted(),
                            removedDomains: Set(previous.domains.keys).subtracting(index.domains.keys).sorted())
        }
        return StatusReport(realm: index.name, url: RemoteURL.redacted(membership.url), repo: me, commit: index.commit,
                            registered: index.repos[me] != nil, domains: domains, staleBindings: stale, changes: changes)
    }

    /// Sessions in the realm and the notifications that concern this
    /// repository's domains, when the coordinator answers.
    static func coordinatorPart(_ report: inout StatusReport, membership: Membership, context: Context) {
        let coordination = RealmCoordination(context: context)
        guard coordination.reachable() else { return }
        let realm = FilePaths.percentEncoded(membership.realm)
        guard let sessions = try? coordination.client.json("GET", "/sessions?realm=\(realm)"),
              let notes = try? coordination.client.json("GET", "/notifications?realm=\(realm)&repo=\(FilePaths.percentEncoded(membership.repo))") else { return }
        func str(_ v: JSONValue?) -> String? { if case .string(let s)? = v { return s }; return nil }
        func int(_ v: JSONValue?) -> Int64? { if case .integer(let i)? = v { return i }; return nil }
        if case .array(let list)? = sessions["sessions"] {
            report.sessions = list.compactMap { s in
                guard let id = str(s["id"]), let repo = str(s["repo"]) else { return nil }
                return .init(id: id, repo: repo, activeRfc: str(s["active_rfc"]), clientId: str(s["client_id"]), pid: int(s["pid"]))
            }
        }
        let mine = Set(report.domains.map(\.name))
        if case .array(let list)? = notes["notifications"] {
            report.notifications = list.compactMap { n in
                guard let id = int(n["id"]), let domain = str(n["domain"]), mine.contains(domain), let contract = str(n["contract"]),
                      let from = str(n["from_repo"]), from != membership.repo else { return nil }
                var changes: [String] = []
                if case .array(let c)? = n["changes"] { changes = c.compactMap(str) }
                return .init(id: id, domain: domain, contract: contract, fromRepo: from, changeType: str(n["change_type"]) ?? "updated",
                             version: str(n["version"]), changes: changes, createdAt: str(n["created_at"]) ?? "")
            }
        }
        if case .array(let list)? = notes["approvals"] {
            report.approvals = list.compactMap { a in
                guard let id = int(a["id"]), let scope = str(a["scope"]) else { return nil }
                return .init(id: id, scope: scope, requester: str(a["requester"]) ?? "")
            }
        }
    }

    static func satisfies(_ version: String?, _ requirement: String) -> Bool {
        guard let version, let v = try? SemanticVersion(parsing: version), let r = try? VersionRequirement(parsing: requirement) else { return false }
        return r.matches(v)
    }

    public static func printStatus(_ r: StatusReport, fetchedAt: Date?, now: Date, out: Output.Stream) {
        let ok = out.styled("✓", .green), bad = out.styled("✗", .red), warn = out.styled("!", .yellow)
        let age = fetchedAt.map { "as of \(FetchRecord.age(of: $0, now: now))" } ?? "fetched at a time not recorded (run 'git realm fetch')"
        out.line("\(out.styled(r.repo, .bold)) in realm \(out.styled(r.realm, .bold)) (\(r.url)) at \(r.commit.prefix(12)), \(age)")
        if !r.registered {
            out.line("\(warn) \(r.repo) is not registered in the realm (no repos/\(r.repo).yaml); rejoin with: git realm admin join \(r.url)")
        }
        if r.domains.isEmpty {
            out.line("Domains: none (create one with 'git realm admin domain create NAME --repos \(r.repo),OTHER')")
        } else {
            out.line("Domains:")
            for d in r.domains {
                let others = d.members.filter { $0.name != r.repo }.map { $0.registered ? $0.name : "\($0.name) (not joined)" }
                out.line("  \(d.name) (\(d.role))\(others.isEmpty ? "" : " with " + others.joined(separator: ", "))")
                for c in d.contracts {
                    out.line("    contract \(c.name) v\(c.version)\(c.owner == r.repo ? " (owned here)" : " (owner \(c.owner))")")
                }
                for i in d.imports {
                    let mark = i.satisfied ? ok : bad
                    let state = i.version.map { i.satisfied ? "v\($0) satisfies it" : "v\($0) does NOT satisfy it" } ?? "the contract does not exist"
                    let resolved = i.resolvedVersion.map { i.stale ? "; binding resolved at \($0), stale" : "; binding current" } ?? "; binding not resolved"
                    out.line("    \(mark) imports \(i.contract) \(i.requirement): \(state)\(resolved)")
                }
            }
        }
        if !r.staleBindings.isEmpty {
            out.line("Stale bindings:")
            for s in r.staleBindings {
                let mark = s.satisfied ? warn : bad
                out.line("  \(mark) \(s.repo) imports \(s.contract) resolved at \(s.resolvedVersion ?? "nothing"); current \(s.currentVersion)\(s.satisfied ? "" : ", outside its range") (domain \(s.domain))")
            }
        }
        for c in r.localChanges {
            out.line("\(warn) Contract change detected: \(c.contract) has local changes (\(c.file)\(c.workingVersion.map { $0 == c.realmVersion ? "" : ", version \($0)" } ?? ""); the realm has v\(c.realmVersion)):")
            for l in c.changes { out.line("    \(l)") }
            if !c.affected.isEmpty { out.line("  Affected repos: " + c.affected.joined(separator: ", ")) }
            out.line("  Run 'git realm sync' to propose it")
        }
        if !r.proposals.isEmpty {
            out.line("Your open proposals:")
            for p in r.proposals {
                let waiting = p.waitingFor.isEmpty ? "" : "; waiting for " + p.waitingFor.joined(separator: ", ")
                out.line("  \(p.id): \(p.title)\(p.acknowledged.isEmpty ? "" : "; acknowledged by " + p.acknowledged.joined(separator: ", "))\(waiting)")
            }
            out.line("  details: git realm proposals")
        }
        if let sessions = r.sessions, !sessions.isEmpty {
            out.line("Active sessions:")
            for s in sessions {
                var line = "  • \(s.repo)\(s.repo == r.repo ? " (you)" : "")"
                if let topic = s.activeRfc { line += " - working on \(topic)" } else if let client = s.clientId { line += " - \(client)" }
                out.line(line)
            }
        }
        if let notes = r.notifications, !notes.isEmpty {
            out.line("Notifications:")
            for n in notes {
                let mark = n.changeType == "breaking" ? out.styled("!", .red) : out.styled("🔔", .yellow)
                out.line("  \(mark) [\(n.id)] \(n.fromRepo): \(n.changes.first ?? "\(n.contract) changed") (\(n.changeType), domain \(n.domain))")
            }
            out.line("  acknowledge with: git realm ack ID")
        }
        if let approvals = r.approvals, !approvals.isEmpty {
            out.line("Pending approvals (git scope):")
            for a in approvals { out.line("  [\(a.id)] \(a.scope) for \(a.requester): git scope approve \(a.id)") }
        }
        if let c = r.changes {
            let lines = c.contracts.map { ch -> String in
                switch (ch.from, ch.to) {
                case (nil, let to?): return "new contract \(ch.contract) v\(to) (domain \(ch.domain))"
                case (let from?, nil): return "contract \(ch.contract) removed (was v\(from), domain \(ch.domain))"
                default: return "contract \(ch.contract) \(ch.from ?? "?") → \(ch.to ?? "?") (domain \(ch.domain))"
                }
            } + c.newMembers.map { "new member \($0)" } + c.removedMembers.map { "member \($0) left" }
                + c.newDomains.map { "new domain \($0)" } + c.removedDomains.map { "domain \($0) removed" }
            if !lines.isEmpty {
                out.line("Changes since you last looked (\(c.from.prefix(12))..\(c.to.prefix(12))):")
                for l in lines { out.line("  \(l)") }
            }
        }
    }
}

/// Text written as JSON `null` when absent (a plain optional is left out of
/// the document by Codable), so a reader sees the key either way. Not
/// generic on purpose: a generic wrapper's metadata is built at run time by
/// checking its requirements (Codable, Equatable) against every conformance
/// in the executable, 0.75 M instructions of a warm status.
public struct NullableText: Codable, Sendable, Equatable {
    public var value: String?
    public init(_ value: String?) { self.value = value }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        value = c.decodeNil() ? nil : try c.decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        if let value { try c.encode(value) } else { try c.encodeNil() }
    }
}

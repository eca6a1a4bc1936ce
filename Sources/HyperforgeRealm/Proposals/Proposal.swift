import FoundationEssentials
import HyperforgeCore
import HyperforgeGit

/// A proposed change of a realm's contracts (RFC "Sync Protocol"), as `git
/// realm sync` records it in a plain git realm (DESIGN.md, seed problem 12):
///
/// - the branch `sync/{repo}/{timestamp}` in the realm: one commit on the
///   realm's branch (`base`) with the changed contract files;
/// - `refs/realm/proposals/{id}/record`: a commit whose tree holds
///   `proposal.json`, this document; a later state (merged, superseded) is a
///   child commit of the previous record;
/// - `refs/realm/proposals/{id}/acks/{repo}`: an importer's acknowledgement,
///   a commit holding `acknowledgement.json`;
/// - `refs/realm/proposals/{id}/approvals/{repo}`: a governance approval, the same shape.
///
/// `{id}` is `{repo}-{YYYYMMDD-HHMMSS}` (with `-2`, `-3`, ... when that one is
/// taken): every ref is created with a lease that it does not exist, so two
/// syncs never take the same id. Members fetch all of it with the realm.
public struct Proposal: Codable, Sendable, Equatable {
    public static let formatVersion = 1
    public var format = Proposal.formatVersion
    public var id: String
    public var realm: String
    /// The repository that proposes (the owner of every contract it changes).
    public var author: String
    /// Who ran the sync (git's user.email; plain git cannot prove it).
    public var by: String?
    public var createdAt: String
    public var message: String
    public var branch: String
    /// The realm commit the proposal was built on, and the sync branch's commit.
    public var base: String
    public var head: String
    public var state: State
    public var mergedCommit: String?
    public var mergedAt: String?
    public var supersededBy: String?
    public var changes: [Change]
    /// On a forge-hosted realm, once merged: its pull (merge) request there.
    public var pullRequest: RequestRef?
    /// Once merged: the acknowledgements and approvals that counted (on a
    /// forge, the approving reviews, each with its login), kept with the record.
    public var acknowledgements: [ProposalAck]?

    public struct RequestRef: Codable, Sendable, Equatable {
        public var forge: String
        public var number: Int
        public var url: String?
    }

    public enum State: String, Codable, Sendable { case open, merged, superseded }

    public struct Change: Codable, Sendable, Equatable {
        public var domain: String
        public var contract: String
        /// The realm file it changes.
        public var file: String
        public var from: String?
        public var to: String
        /// The version step: major, minor or patch.
        public var step: String
        /// The compatibility engine's verdict under the contract's promises.
        public var compatibility: String
        /// Whether it may break an importer (incompatible, undecided, or a version outside an importer's range).
        public var breaking: Bool
        /// What changed, by JSON pointer into the contract (`/value/read/4`).
        public var pointers: [PointerChange]
        public var affected: [Affected]
    }

    public struct PointerChange: Codable, Sendable, Equatable {
        public var pointer: String
        /// add, remove or replace.
        public var op: String
        /// The value added or the new value, or the one removed.
        public var value: JSONValue
    }

    public struct Affected: Codable, Sendable, Equatable {
        public var repo: String
        public var requirement: String
        /// Whether the new version is inside the importer's range.
        public var satisfied: Bool
    }

    /// Every importer the proposal waits for.
    public var affectedRepos: [String] { Array(Set(changes.flatMap { $0.affected.map(\.repo) })).sorted() }
    public var breaking: Bool { changes.contains { $0.breaking } }
    public var title: String {
        "\(author): " + changes.map { "\($0.contract) \($0.to)" }.joined(separator: ", ")
    }
}

/// An importer's acknowledgement of a proposal, or a governance approval.
public struct ProposalAck: Codable, Sendable, Equatable {
    public var format = Proposal.formatVersion
    public var proposal: String
    public var repo: String
    public var by: String?
    public var at: String
    public var kind: Kind
    /// For an approving review on a forge: the reviewer's login there.
    public var login: String? = nil

    public enum Kind: String, Codable, Sendable { case acknowledgement, approval }
}

/// Where a proposal's parts live, in the realm and in a member's copy of it.
public enum ProposalRefs {
    /// In the realm repository.
    public static let remotePrefix = "refs/realm/proposals/"
    public static let remoteSyncPrefix = "refs/heads/sync/"
    /// In a member repository: `refs/realm/{realm}/proposals/...` and `refs/realm/{realm}/sync/...`.
    public static func localPrefix(realm: String) -> String { "refs/realm/\(realm)/proposals/" }
    public static func localSyncPrefix(realm: String) -> String { "refs/realm/\(realm)/sync/" }

    static func record(_ id: String) -> String { remotePrefix + id + "/record" }
    static func ack(_ id: String, repo: String, kind: ProposalAck.Kind) -> String {
        remotePrefix + id + (kind == .approval ? "/approvals/" : "/acks/") + repo
    }
}

/// One proposal as read from a repository's refs, with its acknowledgements.
public struct LoadedProposal: Sendable {
    public var proposal: Proposal
    public var recordCommit: String
    public var acks: [String: ProposalAck]
    public var approvals: [String: ProposalAck]
    /// Every acknowledgement and approval ref found, read or not, by the
    /// rest of its name (`acks/fungal`, `approvals/ml-infra`): a sync that
    /// writes its own replaces one it could not count (ProposalSignatures).
    var refCommits: [String: String] = [:]
    /// When this client first saw the record, or the last time it had looked
    /// before (ProposalSightings): the grace period starts no earlier.
    var appeared: Date?

    /// The acknowledgements, then the approvals by one of `approvers` (governance.approvers), by repository.
    func counted(approvers: [String]) -> [ProposalAck] {
        let allowed = Set(approvers.map { $0.lowercased() })
        return acks.values.sorted { $0.repo < $1.repo }
            + approvals.values.filter { allowed.contains(($0.by ?? "").lowercased()) }.sorted { $0.repo < $1.repo }
    }
}

/// Reads and writes proposal records (JSON in a commit's tree).
enum ProposalCodec {
    static let recordFile = "proposal.json"
    static let ackFile = "acknowledgement.json"
    /// Records are written by other members: read within a bound.
    static let limit = 1 << 20

    static func decode<T: Decodable>(_ type: T.Type, _ bytes: [UInt8], ref: String) throws -> T {
        guard bytes.count <= limit else { throw RealmError.malformedProposal(ref: ref, problem: "it is larger than 1 MiB") }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do { return try decoder.decode(T.self, from: Data(bytes)) } catch {
            // Foundation's words never reach a user: say what is wrong in ours.
            throw RealmError.malformedProposal(ref: ref, problem: "it is not a proposal record of format \(Proposal.formatVersion) (JSON with the fields the README lists)")
        }
    }

    static func encode<T: Encodable>(_ value: T) throws -> [UInt8] { Array((try JSONOutput.encode(value) + "\n").utf8) }

    /// Writes `value` as a record commit (child of `parent`), signed when the realm requires it.
    static func commit<T: Encodable>(_ value: T, file: String, parent: String?, message: String, committer: RealmCommitter) async throws -> String {
        try await committer.commit(files: [file: try encode(value)], parents: parent.map { [$0] } ?? [], message: message)
    }

    /// Every proposal under `prefix` in `repository` (a member's fetched copy, or a scratch one).
    /// A record or acknowledgement that does not read (another member pushed it by
    /// hand) is left out and `warn`ed about: it must not stop every member's sync.
    static func load(_ repository: Repository, prefix: String, warn: (String) -> Void) throws -> [LoadedProposal] {
        var records: [String: String] = [:]
        var acks: [String: [(String, ProposalAck.Kind, String)]] = [:]
        for name in try repository.references(under: prefix) {
            let rest = name.dropFirst(prefix.count).split(separator: "/").map(String.init)
            guard let id = rest.first, RealmNames.problem(id) == nil, let commit = try repository.resolve(name) else { continue }
            if rest.count == 2 && rest[1] == "record" { records[id] = commit }
            else if rest.count == 3 && (rest[1] == "acks" || rest[1] == "approvals"), RealmNames.problem(rest[2]) == nil {
                acks[id, default: []].append((rest[2], rest[1] == "acks" ? .acknowledgement : .approval, commit))
            }
        }
        var out: [LoadedProposal] = []
        for (id, commit) in records.sorted(by: { $0.key < $1.key }) {
            let ref = ProposalRefs.record(id)
            do {
                guard let bytes = try repository.file(atCommit: commit, path: recordFile) else {
                    throw RealmError.malformedProposal(ref: ref, problem: "its commit \(commit.prefix(12)) has no \(recordFile)")
                }
                let p = try decode(Proposal.self, bytes, ref: ref)
                guard p.id == id else { throw RealmError.malformedProposal(ref: ref, problem: "it names proposal \(p.id)") }
                var loaded = LoadedProposal(proposal: p, recordCommit: commit, acks: [:], approvals: [:])
                for (repo, kind, c) in acks[id] ?? [] {
                    loaded.refCommits[(kind == .approval ? "approvals/" : "acks/") + repo] = c
                    let aref = ProposalRefs.ack(id, repo: repo, kind: kind)
                    do {
                        guard let b = try repository.file(atCommit: c, path: ackFile) else {
                            throw RealmError.malformedProposal(ref: aref, problem: "its commit \(c.prefix(12)) has no \(ackFile)")
                        }
                        let a = try decode(ProposalAck.self, b, ref: aref)
                        guard a.repo == repo, a.proposal == id, a.kind == kind else {
                            throw RealmError.malformedProposal(ref: aref, problem: "it is for \(a.repo) on \(a.proposal), not \(repo) on \(id)")
                        }
                        if kind == .approval { loaded.approvals[repo] = a } else { loaded.acks[repo] = a }
                    } catch let e as RealmError {
                        warn(e.description + "; it is left out")
                    }
                }
                out.append(loaded)
            } catch let e as RealmError {
                warn(e.description + "; the proposal is left out")
            }
        }
        return out
    }
}

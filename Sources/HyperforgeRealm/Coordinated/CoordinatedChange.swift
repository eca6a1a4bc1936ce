import FoundationEssentials
import Glibc
import HyperforgeCore
import HyperforgeGit

/// A change across repositories (RFC "Coordinated Changes"): the branch
/// `feat/NAME` and the linked worktree `.worktrees/feat-NAME/` in each
/// participating member repository. Recorded in each participant's git
/// directory as `realm/worktrees/NAME` (0600), one line per participant:
/// `REPO<TAB>PATH<TAB>BASE` (the repository's root and the branch the
/// worktree was made from), so `git realm pr` and `worktree list/remove` work
/// from any of them, and from inside the worktrees.
struct CoordinatedChange: Sendable, Equatable {
    struct Participant: Sendable, Equatable {
        var repo: String
        /// The member repository's root (its main work tree).
        var path: String
        /// The branch the feature branch starts from and its pull request targets.
        var base: String

        func worktree(_ name: String) -> String { path + "/" + CoordinatedChange.worktreeDirectory(name) }
    }

    var name: String
    var participants: [Participant]

    var branch: String { CoordinatedChange.branch(name) }
    static func branch(_ name: String) -> String { "feat/\(name)" }
    static func worktreeDirectory(_ name: String) -> String { worktreesDirectory + "/feat-\(name)" }
    /// Where the worktrees of coordinated changes live in a member's work tree.
    static let worktreesDirectory = ".worktrees"

    /// Refuses `root/.worktrees` and `root/.worktrees/feat-NAME` when they
    /// are anything but real directories (or absent): a symbolic link there,
    /// committed by anyone, would decide where a worktree is made or removed.
    static func checkWorktreesDirectory(root: String, name: String, repo: String) throws {
        for relative in [worktreesDirectory, worktreeDirectory(name)] {
            let path = root + "/" + relative
            var st = stat()
            guard lstat(path, &st) == 0 else { continue }
            switch st.st_mode & S_IFMT {
            case S_IFDIR: continue
            case S_IFLNK: throw RealmError.worktreesNotADirectory(repo: repo, path: path, what: "a symbolic link")
            default: throw RealmError.worktreesNotADirectory(repo: repo, path: path, what: "a file")
            }
        }
    }

    static func recordPath(commonDirectory: String, name: String) -> String { commonDirectory + "/realm/worktrees/" + name }

    var text: String { participants.map { "\($0.repo)\t\($0.path)\t\($0.base)\n" }.joined() }

    static func parse(_ text: String, name: String) -> CoordinatedChange? {
        var participants: [Participant] = []
        for line in text.split(separator: "\n") {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard f.count == 3, RealmNames.problem(f[0]) == nil, f[1].hasPrefix("/") else { return nil }
            participants.append(Participant(repo: f[0], path: f[1], base: f[2]))
        }
        return participants.isEmpty ? nil : CoordinatedChange(name: name, participants: participants)
    }

    /// The change recorded in the repository whose common git directory this is, nil when none.
    static func read(commonDirectory: String, name: String) -> CoordinatedChange? {
        let path = recordPath(commonDirectory: commonDirectory, name: name)
        guard let bytes = try? FileRead.bytes(path, limit: 1 << 20), let text = String(validating: bytes, as: UTF8.self) else { return nil }
        return parse(text, name: name)
    }

    /// Every change recorded there, by name.
    static func all(commonDirectory: String) -> [CoordinatedChange] {
        let dir = commonDirectory + "/realm/worktrees"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return names.sorted().filter { RealmNames.problem($0) == nil }.compactMap { read(commonDirectory: commonDirectory, name: $0) }
    }

    func write(commonDirectory: String) throws {
        let dir = commonDirectory + "/realm/worktrees"
        do {
            try FilePaths.makeDirectories(dir)
            try AtomicFile.write(Array(text.utf8), to: dir + "/" + name, mode: 0o600)
        } catch let e as FileRead.Failure {
            throw RealmError.cannotReadFile(path: e.path, reason: e.reason)
        }
    }

    static func remove(commonDirectory: String, name: String) {
        _ = unlink(recordPath(commonDirectory: commonDirectory, name: name))
    }

    /// The participants in merge order: a repository before every one that
    /// depends on it through the realm's domains (exporters before importers,
    /// across domains by the dependency graph), otherwise by name.
    func mergeOrder(_ snapshot: RealmSnapshot) -> [Participant] {
        let graph = DependencyGraph(snapshot)
        var remaining = participants.sorted { $0.repo < $1.repo }
        var ordered: [Participant] = []
        while !remaining.isEmpty {
            // The first (by name) that no other remaining participant must precede.
            let index = remaining.firstIndex { p in
                !remaining.contains { q in q.repo != p.repo && graph.path(from: q.repo, to: p.repo) != nil }
            } ?? 0 // a cycle (which the realm refuses): by name
            ordered.append(remaining.remove(at: index))
        }
        return ordered
    }

    /// Whether one participant must merge after another (it depends on it).
    static func dependsOn(_ a: String, _ b: String, _ snapshot: RealmSnapshot) -> Bool {
        DependencyGraph(snapshot).path(from: b, to: a) != nil
    }
}

extension Realm {
    /// The member repositories of `realm` on this machine, by their name in
    /// the realm: the coordinator's registry of member paths (best effort).
    static func registeredMembers(realm: String, context: Context) -> [String: String] {
        let coordination = RealmCoordination(context: context)
        guard coordination.reachable(), let doc = try? coordination.client.json("GET", "/members"),
              case .array(let members)? = doc["members"] else { return [:] }
        var out: [String: String] = [:]
        for m in members {
            guard case .string(let r)? = m["realm"], r == realm, case .string(let path)? = m["path"],
                  let repo = try? Repository.discover(from: path, environment: GitEnvironment.detached(context.environment)),
                  let membership = try? Membership.read(repo), membership.realm == realm,
                  let root = repo.workingDirectory else { continue }
            out[membership.repo] = root
        }
        return out
    }

    /// The coordinated change that a command run in `target` is about, with
    /// the realm as this member last fetched it (for the merge order).
    static func openChange(_ target: Target, rfc: String?, context: Context) throws -> (CoordinatedChange, RealmSnapshot) {
        let (repository, membership) = try openMember(target, context: context)
        return (try coordinatedChange(rfc, repository: repository), try fetchedSnapshot(repository, membership))
    }

    /// The coordinated change `name` (or, without one, the one this
    /// repository's branch `feat/NAME` or its only recorded change names).
    static func coordinatedChange(_ name: String?, repository: Repository) throws -> CoordinatedChange {
        let common = repository.commonDirectory
        if let name {
            try checkName(name, kind: "--rfc")
            guard let change = CoordinatedChange.read(commonDirectory: common, name: name) else { throw RealmError.noCoordinatedChange(name: name) }
            return change
        }
        if case .branch(let b)? = try? repository.head(), b.hasPrefix("feat/"),
           let change = CoordinatedChange.read(commonDirectory: common, name: String(b.dropFirst(5))) {
            return change
        }
        let all = CoordinatedChange.all(commonDirectory: common)
        guard all.count == 1 else { throw RealmError.noCoordinatedChange(name: all.isEmpty ? nil : all.map(\.name).joined(separator: ", ")) }
        return all[0]
    }
}

extension Repository {
    /// The repository's main work tree, also when opened from one of its
    /// linked worktrees (whose common directory is the main one's `.git`).
    var mainWorkTree: String? {
        guard commonDirectory != gitDirectory else { return workingDirectory }
        return commonDirectory.hasSuffix("/.git") ? String(commonDirectory.dropLast(5)) : workingDirectory
    }
}
